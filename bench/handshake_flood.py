#!/usr/bin/env python3
"""The handshake-flood attack (issue 21), measured.

Starts `netassist --headless --mode ws-server` (or `tls-server` with
--tls, on a self-signed certificate in a temporary folder) on 127.0.0.1
with its default limits, keeps CROWD connections open that never send
their opening handshake (each one the server drops is opened again), and
meanwhile tries TRIES times to open a WebSocket (a TLS connection) the
proper way, each try given 2 s. Prints how many tries got in.

    bench/handshake_flood.py target/release/netassist [--tls] [--crowd N] [--tries N]

Only ever talks to 127.0.0.1. Linux only.
"""
import argparse
import selectors
import socket
import ssl
import threading
import time

import attack_server

UPGRADE = (
    b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
    b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
    b"Sec-WebSocket-Version: 13\r\n\r\n"
)


def real_client(port, timeout):
    """True when a proper WebSocket handshake gets its 101 within `timeout`."""
    deadline = time.monotonic() + timeout
    try:
        sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        sock.sendall(UPGRADE)
        response = b""
        while not response.endswith(b"\r\n\r\n"):
            sock.settimeout(max(0.01, deadline - time.monotonic()))
            byte = sock.recv(1)
            if not byte:
                return False
            response += byte
        sock.close()
        return response.startswith(b"HTTP/1.1 101")
    except OSError:
        return False


def real_tls_client(port, timeout):
    """True when a TLS handshake finishes within `timeout` (any certificate)."""
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_CLIENT)
    context.check_hostname = False
    context.verify_mode = ssl.CERT_NONE
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=timeout) as sock:
            with context.wrap_socket(sock) as tls:
                return tls.version() is not None
    except OSError:
        return False


def crowd(port, size, stop):
    """Keeps `size` silent connections open, opening again what is dropped."""
    selector = selectors.DefaultSelector()
    open_now = 0
    while not stop.is_set():
        while open_now < size:
            try:
                sock = socket.socket()
                sock.setblocking(False)
                sock.connect_ex(("127.0.0.1", port))
                selector.register(sock, selectors.EVENT_READ)
                open_now += 1
            except OSError:
                break
        for key, _ in selector.select(0.05):
            try:
                data = key.fileobj.recv(4096)
            except OSError:
                data = b""
            if not data:
                selector.unregister(key.fileobj)
                key.fileobj.close()
                open_now -= 1


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("netassist")
    parser.add_argument("--tls", action="store_true")
    parser.add_argument("--crowd", type=int, default=1030)
    parser.add_argument("--tries", type=int, default=10)
    args = parser.parse_args()
    attack_server.allow_sockets(args.crowd * 2 + 256)
    mode = "tls-server" if args.tls else "ws-server"
    attempt = real_tls_client if args.tls else real_client
    server, port = attack_server.start(args.netassist, mode)
    try:
        # Counts the lines the server prints, so it never waits on its
        # stdout, and how many of them say a handshake was pushed out.
        printed = {"lines": 0, "pushed out": 0}

        def drain():
            for line in server.stdout:
                printed["lines"] += 1
                printed["pushed out"] += "makes room" in line

        threading.Thread(target=drain, daemon=True).start()
        flood_started = time.monotonic()
        stop = threading.Event()
        flood = threading.Thread(target=crowd, args=(port, args.crowd, stop), daemon=True)
        flood.start()
        time.sleep(2.0)
        got_in = 0
        for _ in range(args.tries):
            got_in += attempt(port, 2.0)
            time.sleep(0.2)
        stop.set()
        flood.join(5)
        print("%s, crowd of %d silent connections: %d of %d real clients got in within 2 s; "
              "the server printed %d lines in %.1f s, %d of them on handshakes pushed out"
              % (mode, args.crowd, got_in, args.tries, printed["lines"],
                 time.monotonic() - flood_started, printed["pushed out"]))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
