"""What the attack scripts beside it share: the headless server under
attack, started on 127.0.0.1 with a port of the system's choice, and room
for as many sockets as the attack opens."""
import os
import resource
import selectors
import subprocess
import sys
import tempfile
import time


def allow_sockets(count):
    """Raises this process's descriptor limit (and so the server's, which
    inherits it) to `count`, as far as the hard limit lets it."""
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    if soft < count:
        resource.setrlimit(resource.RLIMIT_NOFILE, (min(count, hard), hard))


def start(netassist, mode, *flags):
    """Starts `netassist --headless --mode MODE --local 127.0.0.1:0 FLAGS`
    and returns it with the port it listens on. Its stdout is left to the
    caller to read, so that the server never waits on it."""
    # A TLS server keeps its self-signed certificate here, not in ours.
    data_home = tempfile.mkdtemp(prefix="netassist-attack-")
    server = subprocess.Popen(
        [netassist, "--headless", "--mode", mode, "--local", "127.0.0.1:0", *flags],
        env=dict(os.environ, XDG_DATA_HOME=data_home),
        # stdin stays open: the headless mode ends at its end.
        stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
        text=True, errors="replace",
    )
    for line in server.stdout:
        if "LISTENING" in line:
            return server, int(line.split()[-1].rsplit(":", 1)[1])
    server.terminate()
    sys.exit("the server did not say where it listens")


def send_round_robin(clients, limit_secs):
    """Writes each `[socket, bytes]` pair's bytes on its non-blocking
    socket, round-robin, never blocking on one of them (the server may stop
    reading a client it closed), for at most `limit_secs`."""
    selector = selectors.DefaultSelector()  # epoll: any number of sockets
    for client in clients:
        selector.register(client[0], selectors.EVENT_WRITE, client)
    left = len(clients)
    started = time.monotonic()
    while left and time.monotonic() - started < limit_secs:
        for key, _ in selector.select(1.0):
            client = key.data
            try:
                sent = client[0].send(memoryview(client[1])[:1 << 20])
                client[1] = client[1][sent:]
            except OSError:
                client[1] = b""
            if not client[1]:
                selector.unregister(client[0])
                left -= 1


def peak_rss_mib(pid):
    """A process's peak resident memory (VmHWM), in MiB."""
    with open("/proc/%d/status" % pid) as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")
