#!/usr/bin/env python3
"""Tutorial 'TCP server receives data': accept one client, read once, close."""
import argparse
import socket

from _common import fail, listening_line, recv_line

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--port", type=int, default=8899, help="0 for any free port")
p.add_argument("--host", default="127.0.0.1")
p.add_argument("--encoding", default="gb2312")
p.add_argument("--timeout", type=float, default=10)
a = p.parse_args()

server = socket.socket(socket.AF_INET6 if ":" in a.host else socket.AF_INET)
server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
server.bind((a.host, a.port))
server.listen()
server.settimeout(a.timeout)
listening_line(server)
try:
    client, info = server.accept()
    client.settimeout(a.timeout)
    data = client.recv(1024)
except socket.timeout:
    fail("nothing received within %ss" % a.timeout)
recv_line(info, data.decode(a.encoding))
client.close()
server.close()
