"""What the attack scripts beside it share: the headless server under
attack, started on 127.0.0.1 with a port of the system's choice, and room
for as many sockets as the attack opens."""
import os
import resource
import subprocess
import sys
import tempfile


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
