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
        clients = []
        for _ in range(args.clients):
            sock = socket.create_connection(("127.0.0.1", port))
            sock.setblocking(False)
            clients.append([sock, body])
        attack_server.send_round_robin(clients, 120)
        time.sleep(2)
        peak = attack_server.peak_rss_mib(server.pid)
        print("%d clients each sending %d B without the delimiter: server VmHWM %.1f MiB"
              % (args.clients, len(body), peak))
    finally:
        server.terminate()
        server.wait()


if __name__ == "__main__":
    main()
