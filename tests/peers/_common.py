"""Shared helpers for the tutorial peers: address parsing and RECV lines."""
import socket
import sys


def parse_addr(text, default_host="127.0.0.1"):
    """'HOST:PORT', '[::1]:PORT' or 'PORT' -> (host, port)."""
    if text.startswith("["):
        host, _, port = text[1:].partition("]:")
        return host, int(port)
    if text.count(":") == 1:
        host, port = text.split(":")
        return host or default_host, int(port)
    return default_host, int(text)


def family_of(host):
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def recv_line(addr, text):
    """Print one received message the way every peer reports it."""
    if isinstance(addr, tuple):
        addr = "%s:%d" % (addr[0], addr[1])
    print("RECV %s %s" % (addr, text), flush=True)


def listening_line(sock):
    """Print the one line that says where a peer listens: 'LISTENING <port>'.

    The port is the one the system gave, so a test can pass port 0 and
    read the real number here instead of guessing a free one.
    """
    print("LISTENING %d" % sock.getsockname()[1], flush=True)


def fail(msg):
    print(msg, file=sys.stderr, flush=True)
    sys.exit(1)
