#!/usr/bin/env python3
"""Tutorial 'UDP send, then receive': bind a port, send, wait for one reply."""
import argparse
import socket

from _common import fail, family_of, listening_line, parse_addr, recv_line

p = argparse.ArgumentParser(description=__doc__)
p.add_argument("--bind", type=int, default=8788, help="local port, 0 for any (tutorial: 8788)")
p.add_argument("--to", required=True, help="the app's HOST:PORT")
p.add_argument("--encoding", default="gb2312")
p.add_argument("--timeout", type=float, default=10)
p.add_argument("text")
a = p.parse_args()

host, port = parse_addr(a.to)
s = socket.socket(family_of(host), socket.SOCK_DGRAM)
# Bound on the loopback address of the app's family (the tutorial binds
# every interface); the test reads the port from the LISTENING line.
s.bind(("::1" if ":" in host else "127.0.0.1", a.bind))
listening_line(s)
s.settimeout(a.timeout)
s.sendto(a.text.encode(a.encoding), (host, port))
try:
    data, addr = s.recvfrom(1024)
except socket.timeout:
    fail("no reply within %ss" % a.timeout)
recv_line(addr, data.decode(a.encoding))
s.close()
