"""Shared helpers for the tutorial peers: address parsing and RECV lines."""
import importlib
import socket
import sys

# Debian's python3-websockets and python3-pymodbus install into the
# system's dist-packages; a python3 of its own first on PATH (pyenv, a
# venv, as on CI machines) does not look there.
DEBIAN_DIST_PACKAGES = "/usr/lib/python3/dist-packages"
# The exit code of a peer's --check when its package is missing.
NO_PACKAGE = 3


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


def import_package(name):
    """Import `name` from this interpreter's own packages, else from
    Debian's dist-packages (appended, so the interpreter's own win);
    None when neither has it."""
    try:
        return importlib.import_module(name)
    except ImportError:
        if DEBIAN_DIST_PACKAGES not in sys.path:
            sys.path.append(DEBIAN_DIST_PACKAGES)
        try:
            return importlib.import_module(name)
        except ImportError:
            return None


def require_package(name, debian_package):
    """The package `name` for a peer, or exit NO_PACKAGE with a sentence
    naming the Debian package that installs it."""
    module = import_package(name)
    if module is None:
        print("%s is not installed (Debian package: %s)" % (name, debian_package),
              file=sys.stderr, flush=True)
        sys.exit(NO_PACKAGE)
    return module
