#!/usr/bin/env python3
"""Tutorial UDP group chat server: a sender joins by sending; relayed to others.

Each datagram is relayed to every other known address as
'<(host, port)>____<text>'; 'quit' removes the sender and tells the others
'<addr>____下线了😯____qq'. Stops by itself after --lifetime seconds.
"""
import argparse
import socket

from _common import listening_line, recv_line

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--port", type=int, default=8000, help="0 for any free port")
p.add_argument("--host", default="127.0.0.1")
p.add_argument("--lifetime", type=float, default=15)
a = p.parse_args()

server = socket.socket(socket.AF_INET6 if ":" in a.host else socket.AF_INET, socket.SOCK_DGRAM)
server.bind((a.host, a.port))
server.settimeout(a.lifetime)
listening_line(server)
clients = set()
while True:
    try:
        re_data, address = server.recvfrom(1024)
    except socket.timeout:
        break
    data = re_data.decode("utf-8", errors="replace")
    recv_line(address, data)
    clients.add(address)
    temp = str(address) + "____"
    if data == "quit":
        clients.discard(address)
        temp += "下线了😯____qq"
    else:
        temp += data
    for client in clients:
        if client != address:
            server.sendto(temp.encode("utf-8"), client)
server.close()
