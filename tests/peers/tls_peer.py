#!/usr/bin/env python3
"""A TLS peer for NetAssist's tests, with Python's ssl module.

    tls_peer.py server CERT KEY     listen on 127.0.0.1, print LISTENING <port>,
                                    take one client and echo what it sends
    tls_peer.py client PORT CAFILE  connect to 127.0.0.1:PORT trusting CAFILE,
                                    send one line, print what comes back
"""

import socket
import ssl
import sys


def server(cert, key):
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    with socket.create_server(("127.0.0.1", 0)) as listener:
        print("LISTENING", listener.getsockname()[1], flush=True)
        conn, _ = listener.accept()
        with context.wrap_socket(conn, server_side=True) as tls:
            print("VERSION", tls.version(), flush=True)
            while True:
                data = tls.recv(65536)
                if not data:
                    break
                tls.sendall(data)


def client(port, cafile):
    context = ssl.create_default_context(cafile=cafile)
    with socket.create_connection(("127.0.0.1", int(port))) as conn:
        with context.wrap_socket(conn, server_hostname="127.0.0.1") as tls:
            tls.sendall(b"hello from python\n")
            received = b""
            while not received.endswith(b"\n"):
                data = tls.recv(65536)
                if not data:
                    break
                received += data
            print("GOT", received.decode(errors="replace").strip(), flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["server"] and len(sys.argv) == 4:
        server(sys.argv[2], sys.argv[3])
    elif sys.argv[1:2] == ["client"] and len(sys.argv) == 4:
        client(sys.argv[2], sys.argv[3])
    else:
        sys.exit(__doc__)
