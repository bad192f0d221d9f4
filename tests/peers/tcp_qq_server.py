#!/usr/bin/env python3
"""Tutorial 'TCP QQ' server: receive, then reply, turn by turn; 'bye' ends.

Replies come from the command line in order (the tutorial reads input()).
"""
import argparse
import socket

from _common import fail, listening_line, recv_line

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--port", type=int, default=8089, help="0 for any free port")
p.add_argument("--host", default="127.0.0.1")
p.add_argument("--timeout", type=float, default=10)
p.add_argument("replies", nargs="*")
a = p.parse_args()

s = socket.socket(socket.AF_INET6 if ":" in a.host else socket.AF_INET)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind((a.host, a.port))
s.listen()
s.settimeout(a.timeout)
listening_line(s)
try:
    client, info = s.accept()
except socket.timeout:
    fail("no client within %ss" % a.timeout)
client.settimeout(a.timeout)
replies = list(a.replies)
while True:
    try:
        data = client.recv(1024)
    except socket.timeout:
        fail("client went quiet")
    if not data:
        fail("client closed before 'bye'")
    recv_line(info, data.decode("utf-8"))
    if data.decode("utf-8") == "bye":
        break
    msg = replies.pop(0) if replies else "bye"
    client.send(msg.encode("utf-8"))
    if msg == "bye":
        break
s.close()
client.close()
