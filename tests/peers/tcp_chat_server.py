#!/usr/bin/env python3
"""Tutorial multi-threaded chat server: relay every message to every client.

Like the tutorial it sends each message back to all online clients, the
sender included, and drops a client whose message ends with 'bye'. It stops
by itself after --lifetime seconds.
"""
import argparse
import socket
import threading

from _common import listening_line, recv_line

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--port", type=int, default=8888, help="0 for any free port")
p.add_argument("--host", default="127.0.0.1")
p.add_argument("--lifetime", type=float, default=15)
a = p.parse_args()

sockets = []
lock = threading.Lock()


def read_msg(client_socket, info):
    while True:
        try:
            recv_data = client_socket.recv(1024)
        except OSError:
            break
        if not recv_data:
            break
        text = recv_data.decode("utf-8", errors="replace")
        recv_line(info, text)
        if text.endswith("bye"):
            break
        with lock:
            for item in sockets:
                item.send(recv_data)
    with lock:
        if client_socket in sockets:
            sockets.remove(client_socket)
    client_socket.close()


server = socket.socket(socket.AF_INET6 if ":" in a.host else socket.AF_INET)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((a.host, a.port))
server.listen()
server.settimeout(a.lifetime)
listening_line(server)
threading.Timer(a.lifetime, lambda: __import__("os")._exit(0)).start()
while True:
    try:
        client_socket, info = server.accept()
    except socket.timeout:
        break
    with lock:
        sockets.append(client_socket)
    threading.Thread(target=read_msg, args=(client_socket, info), daemon=True).start()
