#!/usr/bin/env python3
"""The framing-buffer attack (issue 21), measured.

Starts `netassist --headless --mode tcp-server --framing delimiter:3b` on
127.0.0.1, opens CLIENTS connections that each send just under 1 MiB
(the per-client cap) without ever sending the delimiter, and prints the
server's peak RSS (VmHWM).

    bench/framing_attack.py target/release/netassist [--clients N]

Only ever talks to 127.0.0.1. Linux only (reads /proc).
"""
import argparse
import selectors
import socket
import threading
import time

import attack_server


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("netassist")
    parser.add_argument("--clients", type=int, default=1000)
    args = parser.parse_args()
    attack_server.allow_sockets(args.clients * 2 + 256)
    server, port = attack_server.start(
        args.netassist, "tcp-server", "--framing", "delimiter:3b",
        "--max-clients", str(max(1024, args.clients + 8)))
    try:
        # Read what the server prints, so it never waits on its stdout.
        threading.Thread(target=lambda: [None for _ in server.stdout], daemon=True).start()
        body = b"x" * ((1 << 20) - 1024)
        selector = selectors.DefaultSelector()
        clients = []
        for _ in range(args.clients):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.setblocking(False)
            client = [sock, body]
            clients.append(client)
            selector.register(sock, selectors.EVENT_WRITE, client)
        left = len(clients)
        started = time.monotonic()
        while left and time.monotonic() - started < 120:
            for key, _ in selector.select(1.0):
                client = key.data
                try:
                    sent = client[0].send(memoryview(client[1])[:1 << 20])
                    client[1] = client[1][sent:]
                except OSError:
                    client[1] = b""
                if not client[1]:
                    selector.unregister(client[0])
                    left -= 1
        time.sleep(2)
        with open("/proc/%d/status" % server.pid) as status:
            peak = next(int(line.split()[1]) / 1024 for line in status
                        if line.startswith("VmHWM:"))
        print("%d clients each sending %d B without the delimiter: server VmHWM %.1f MiB"
              % (args.clients, len(body), peak))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
