"""`leadgate serve` with several workers: each worker listens on a socket of its own.

uvicorn's workers accept from the one socket their supervisor bound, and connections
opened together land on whichever worker wakes first: 16 opened at once went all to one
of two idle workers in 24 of 30 trials here, and a keep-alive connection stays where it
landed, so one worker did the work of two while the other idled. With SO_REUSEPORT each
worker binds the address itself and the kernel spreads new connections over the workers'
sockets by their addresses (16 at once: 8-8 to 10-6 in 24 of 30 trials).
"""

from __future__ import annotations

import socket
import sys
from typing import Any

import uvicorn
from uvicorn.supervisors import Multiprocess


class WorkerSockets(list[socket.socket]):
    """Empty in the supervisor; unpickled in each worker (uvicorn hands a worker its
    sockets by pickling them) as a socket that worker binds for itself."""

    def __init__(self, host: str, port: int) -> None:
        super().__init__()
        self.host = host
        self.port = port

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return bound_sockets, (self.host, self.port)


def supported(port: int) -> bool:
    """SO_REUSEPORT exists here (Linux, BSDs) and the port is fixed: with port 0 each worker
    would get a port of its own."""
    return port != 0 and hasattr(socket, "SO_REUSEPORT")


def bound_sockets(host: str, port: int) -> list[socket.socket]:
    """A socket bound to the address with SO_REUSEPORT, for one worker; its server listens."""
    sock = socket.socket(_family(host), socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
    try:
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    return [sock]


def _family(host: str) -> socket.AddressFamily:
    return socket.AF_INET6 if ":" in host else socket.AF_INET


def check_free(host: str, port: int) -> None:
    """Bind the address once in the supervisor, without SO_REUSEPORT, and let it go: a port
    another program holds fails here with the OSError uvicorn would give, rather than in
    every worker it restarts; and a second leadgate started on the same port fails too,
    instead of joining the first one's workers and taking half its connections."""
    with socket.socket(_family(host), socket.SOCK_STREAM) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host, port))


def serve(app: str, **options: Any) -> int:
    """uvicorn.run of `app` (an import string; `options` are uvicorn's), its workers each on
    a socket of its own where `supported`; 1 when the address is taken."""
    host, port, workers = options["host"], options["port"], options.get("workers") or 1
    if workers < 2 or not supported(port):
        uvicorn.run(app, **options)
        return 0
    try:
        check_free(host, port)
    except OSError as exc:
        print(f"error: cannot listen on {host}:{port}: {exc.strerror}", file=sys.stderr)
        return 1
    print(
        f"{app} on http://{host}:{port}: {workers} workers, each listening on a socket of its"
        " own (SO_REUSEPORT)",
        file=sys.stderr,
    )
    Multiprocess(uvicorn.Config(app, **options), sockets=WorkerSockets(host, port)).run()
    return 0
