"""`leadgate serve` with two workers: each listens on a socket of its own, so connections
opened together reach both; a port already taken is a clear error."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from app import listen


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(tmp_path: Path, port: int) -> subprocess.Popen[bytes]:
    env = {
        **os.environ,
        "LEADGATE_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 's.db'}",
        "LEADGATE_WORKERS": "2",
        "LEADGATE_AUTH": "off",
    }
    command = [sys.executable, "-m", "app.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], int]]:
    port = _free_port()
    proc = _serve(tmp_path, port)
    try:
        deadline = time.monotonic() + 30
        while len(_listeners(port)) < 2:
            if time.monotonic() > deadline or proc.poll() is not None:
                pytest.fail("two workers did not listen within 30 s")
            time.sleep(0.2)
        httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=5).raise_for_status()
        yield proc, port
    finally:
        proc.terminate()
        proc.wait(timeout=20)


def _sockets_by_pid() -> dict[int, set[str]]:
    """Each process's socket inodes, from /proc."""
    found: dict[int, set[str]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            links = [os.readlink(fd) for fd in (entry / "fd").iterdir()]
        except OSError:
            continue
        found[int(entry.name)] = {link[8:-1] for link in links if link.startswith("socket:[")}
    return found


def _tcp(port: int, state: str) -> set[str]:
    """Inodes of the TCP sockets on local port `port` in `state` (0A listening, 01 open)."""
    inodes = set()
    for line in Path("/proc/net/tcp").read_text().splitlines()[1:]:
        fields = line.split()
        if int(fields[1].split(":")[1], 16) == port and fields[3] == state:
            inodes.add(fields[9])
    return inodes


def _listeners(port: int) -> dict[int, set[str]]:
    listening = _tcp(port, "0A")
    return {pid: s & listening for pid, s in _sockets_by_pid().items() if s & listening}


@pytest.mark.skipif(not hasattr(socket, "SO_REUSEPORT"), reason="needs SO_REUSEPORT")
def test_connections_opened_together_reach_both_workers(
    server: tuple[subprocess.Popen[bytes], int],
) -> None:
    _, port = server
    workers = _listeners(port)
    assert len(workers) == 2 and all(len(s) == 1 for s in workers.values())
    clients = [socket.create_connection(("127.0.0.1", port)) for _ in range(16)]
    try:
        for client in clients:
            client.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n")
        for client in clients:
            assert client.recv(4096).startswith(b"HTTP/1.1 200")
        opened = _tcp(port, "01")
        held = {pid: len(s & opened) for pid, s in _sockets_by_pid().items() if pid in workers}
    finally:
        for client in clients:
            client.close()
    assert sum(held.values()) == 16
    assert all(count > 0 for count in held.values()), held


def test_a_port_already_served_is_a_clear_error(
    tmp_path: Path, server: tuple[subprocess.Popen[bytes], int]
) -> None:
    _, port = server
    (tmp_path / "second").mkdir()
    second = _serve(tmp_path / "second", port)
    _, err = second.communicate(timeout=60)
    assert second.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}" in err.decode()


def test_port_zero_keeps_one_shared_socket() -> None:
    assert not listen.supported(0)
    assert listen.supported(8000) == hasattr(socket, "SO_REUSEPORT")
