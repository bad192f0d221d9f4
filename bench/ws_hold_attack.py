#!/usr/bin/env python3
"""The WebSocket server's held-memory attack (issue 21), measured.

Starts `netassist --headless --mode ws-server` on 127.0.0.1, opens CLIENTS
connections that each finish the opening handshake, then send a binary
frame claiming just under the message limit and all of it but its last
byte, and wait. Prints the server's peak RSS (VmHWM) and how many clients
the server closed.

    bench/ws_hold_attack.py target/release/netassist [--clients N] [--seconds S]

Only ever talks to 127.0.0.1. Linux only (reads /proc).
"""
import argparse
import socket
import subprocess
import tempfile
import time

import attack_server

MESSAGE_LIMIT = 4 << 20
KEY = b"\x01\x02\x03\x04"


def handshake(port):
    sock = socket.create_connection(("127.0.0.1", port))
    sock.sendall(
        b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
        b"Connection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n"
        b"Sec-WebSocket-Version: 13\r\n\r\n"
    )
    response = b""
    while not response.endswith(b"\r\n\r\n"):
        byte = sock.recv(1)
        if not byte:
            raise RuntimeError("the server closed during the handshake")
        response += byte
    if not response.startswith(b"HTTP/1.1 101"):
        raise RuntimeError(response.decode(errors="replace"))
    return sock


def frame_header(length):
    return bytes([0x82, 0x80 | 127]) + length.to_bytes(8, "big") + KEY


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("netassist")
    parser.add_argument("--clients", type=int, default=300)
    parser.add_argument("--seconds", type=float, default=3.0)
    args = parser.parse_args()
    attack_server.allow_sockets(args.clients * 2 + 256)
    server, port = attack_server.start(
        args.netassist, "ws-server", "--max-clients", str(max(1024, args.clients + 8)))
    try:
        # Drain what the server prints, so it never waits on its stdout,
        # into a file whose rows are counted at the end.
        rows = tempfile.NamedTemporaryFile(prefix="ws-hold-rows-")
        drain = subprocess.Popen(["cat"], stdin=server.stdout, stdout=rows)
        base = attack_server.peak_rss_mib(server.pid)
        length = MESSAGE_LIMIT - 64
        body = bytes(length - 1)
        clients = []
        started = time.monotonic()
        for _ in range(args.clients):
            sock = handshake(port)
            sock.setblocking(False)
            clients.append([sock, frame_header(length) + body])
        # Every client's almost-message, round-robin.
        attack_server.send_round_robin(clients, 300)
        time.sleep(args.seconds)
        closed = 0
        for sock, _ in clients:
            # A close frame, the end of the stream or a reset: closed.
            try:
                sock.recv(1 << 16)
                closed += 1
            except BlockingIOError:
                pass
            except OSError:
                closed += 1
        peak = attack_server.peak_rss_mib(server.pid)
        with open(rows.name, "rb") as printed:
            held_rows = sum(1 for line in printed if b"held the most" in line)
        print("clients %d, each holding %d B: server VmHWM %.1f MiB (%.1f MiB at start), "
              "%d clients closed by the server, %d rows saying so, %.1f s"
              % (args.clients, length - 1 + 14, peak, base, closed, held_rows,
                 time.monotonic() - started))
        for sock, _ in clients:
            sock.close()
        drain.terminate()
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
