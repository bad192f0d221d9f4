#!/usr/bin/env python3
"""A WebSocket peer over Python's `websockets` package (Debian
python3-websockets), as client or server, for the engine's tests.

Everything it sees is printed as one JSON object a line on stdout:

    {"event": "open", "path": ..., "subprotocol": ..., "headers": {...}}
    {"event": "text", "data": "..."}      a text message received
    {"event": "binary", "hex": "..."}     a binary message received
    {"event": "pong", "data": "..."}      the answer to our ping
    {"event": "closed", "code": N, "reason": "..."}

server [--host H] [--port P] [--subprotocol S]... [--cert PEM --key PEM]
    With --cert and --key it serves wss:// (TLS). Prints 'LISTENING <port>' first (port 0: the system's choice), then
    serves any number of clients: every message is echoed back, except
    text messages that are commands to it:
        close:CODE:REASON   close the connection with this code and reason
        ping:PAYLOAD        send a ping, and log the pong
client URL [--subprotocol S]... [--header 'Name: value']... [--ca PEM]
    Connects (a wss:// URL trusting only the CA certificates in --ca), then reads commands from stdin, one a line:
        text:TEXT  binary:HEX  ping:PAYLOAD  close:CODE:REASON
    and ends once the connection is closed (by either side).

Every wait is bounded (--timeout, 20 s by default). Only ever point it at
127.0.0.1 or ::1.
"""
import argparse
import asyncio
import json
import ssl
import sys
import threading

from _common import require_package

# `ws_peer.py --check` exits 0 when websockets can be imported, 3 when not.
websockets = require_package("websockets", "python3-websockets")
if sys.argv[1:] == ["--check"]:
    sys.exit(0)


def log(**fields):
    print(json.dumps(fields), flush=True)


def log_message(message):
    if isinstance(message, str):
        log(event="text", data=message)
    else:
        log(event="binary", hex=message.hex())


async def obey(ws, command):
    """Runs a command given as text; False when it was not one."""
    if command.startswith("close:"):
        _, code, reason = command.split(":", 2)
        await ws.close(int(code), reason)
        return True
    if command.startswith("ping:"):
        pong = await ws.ping(command[len("ping:"):].encode())
        await pong
        log(event="pong", data=command[len("ping:"):])
        return True
    return False


async def serve(args):
    async def handler(ws, path=None):
        log(
            event="open",
            path=ws.path,
            subprotocol=ws.subprotocol,
            headers=dict(ws.request_headers.raw_items()),
        )
        try:
            async for message in ws:
                log_message(message)
                if isinstance(message, str) and await obey(ws, message):
                    continue
                await ws.send(message)
        except websockets.ConnectionClosed:
            pass
        log(event="closed", code=ws.close_code, reason=ws.close_reason)

    tls = None
    if args.cert:
        tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        tls.load_cert_chain(args.cert, args.key)
    async with websockets.serve(
        handler,
        args.host,
        args.port,
        subprotocols=args.subprotocol or None,
        max_size=None,
        ssl=tls,
    ) as server:
        port = next(iter(server.sockets)).getsockname()[1]
        print("LISTENING %d" % port, flush=True)
        await asyncio.sleep(args.timeout)


async def client(args):
    headers = []
    for line in args.header:
        name, _, value = line.partition(":")
        headers.append((name.strip(), value.strip()))
    tls = ssl.create_default_context(cafile=args.ca) if args.ca else None
    async with websockets.connect(
        args.url,
        ssl=tls,
        subprotocols=args.subprotocol or None,
        extra_headers=headers,
        max_size=None,
        open_timeout=args.timeout,
    ) as ws:
        log(
            event="open",
            path=args.url,
            subprotocol=ws.subprotocol,
            headers=dict(ws.response_headers.raw_items()),
        )
        loop = asyncio.get_running_loop()
        lines = asyncio.Queue()

        def read_stdin():
            # A daemon thread: a blocked read never holds the exit back.
            for line in sys.stdin:
                loop.call_soon_threadsafe(lines.put_nowait, line)
            loop.call_soon_threadsafe(lines.put_nowait, "")

        threading.Thread(target=read_stdin, daemon=True).start()

        async def read_commands():
            while True:
                line = await lines.get()
                if not line:
                    return
                line = line.rstrip("\n")
                if line.startswith("text:"):
                    await ws.send(line[len("text:"):])
                elif line.startswith("binary:"):
                    await ws.send(bytes.fromhex(line[len("binary:"):]))
                else:
                    await obey(ws, line)

        commands = asyncio.ensure_future(read_commands())
        try:
            async for message in ws:
                log_message(message)
        except websockets.ConnectionClosed:
            pass
        commands.cancel()
        log(event="closed", code=ws.close_code, reason=ws.close_reason)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--timeout", type=float, default=20.0)
    sub = parser.add_subparsers(dest="mode", required=True)
    server = sub.add_parser("server")
    server.add_argument("--host", default="127.0.0.1")
    server.add_argument("--port", type=int, default=0)
    server.add_argument("--subprotocol", action="append", default=[])
    server.add_argument("--cert")
    server.add_argument("--key")
    client_args = sub.add_parser("client")
    client_args.add_argument("url")
    client_args.add_argument("--subprotocol", action="append", default=[])
    client_args.add_argument("--header", action="append", default=[])
    client_args.add_argument("--ca")
    args = parser.parse_args()
    run = serve if args.mode == "server" else client
    try:
        asyncio.run(asyncio.wait_for(run(args), args.timeout + 5))
    except asyncio.TimeoutError:
        sys.exit(0 if args.mode == "server" else 1)


if __name__ == "__main__":
    main()
