"""Private copies of the services background work depends on, started and stopped by a
test: a Redis on a free port (never the shared one) and an SMTP server that never answers.

In CI (CI=true) a missing service fails the test; elsewhere it is skipped.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
import time

import pytest


def need(condition: bool, message: str) -> None:
    if not condition:
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PrivateRedis:
    """redis-server on its own port, keeping nothing on disk: a restart loses the queue."""

    def __init__(self) -> None:
        need(shutil.which("redis-server") is not None, "needs redis-server (as in CI)")
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.proc: subprocess.Popen | None = None

    def start(self) -> PrivateRedis:
        self.proc = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        import redis

        client = redis.Redis(port=self.port)
        for _ in range(100):
            with contextlib.suppress(redis.ConnectionError):
                if client.ping():
                    return self
            time.sleep(0.05)
        raise RuntimeError("the private redis-server did not start")

    def stop(self) -> None:
        """Like a crash: no shutdown save, so whatever was queued is gone."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def queued(self, queue: str = "celery") -> list[dict]:
        """The messages waiting in a queue, as Celery wrote them (task name, id, args)."""
        import json

        import redis

        messages = redis.Redis(port=self.port).lrange(queue, 0, -1)
        return [json.loads(m)["headers"] for m in messages]


@contextlib.contextmanager
def celery_broker(url: str):
    """Point this process's Celery app (the web side) at `url` for the duration."""
    from dspt_portal.celery import app

    before = app.conf.broker_url, app.conf.broker_transport_options
    # Celery reads CELERY_BROKER_URL from the environment before its own settings (CI sets it).
    env_before = os.environ.get("CELERY_BROKER_URL")

    def reset():
        app._pool = None
        app.amqp._producer_pool = None

    app.conf.broker_url = url
    os.environ["CELERY_BROKER_URL"] = url
    app.conf.broker_transport_options = {"visibility_timeout": 3600, "socket_connect_timeout": 2}
    reset()
    try:
        yield app
    finally:
        app.conf.broker_url, app.conf.broker_transport_options = before
        if env_before is None:
            os.environ.pop("CELERY_BROKER_URL", None)
        else:
            os.environ["CELERY_BROKER_URL"] = env_before
        reset()


class SilentSMTP:
    """Accepts TCP connections and never says a word (a hung mail server)."""

    def __init__(self) -> None:
        self.sock = socket.socket()
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            self.connections += 1
            self._held.append(conn)  # hold it open, say nothing

    def close(self) -> None:
        self.sock.close()
        for conn in self._held:
            conn.close()
