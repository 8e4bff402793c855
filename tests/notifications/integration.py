"""Harness for the integration tests: a real Celery worker and beat against Redis, their own
database, and an SMTP sink (aiosmtpd) that can stall, stop and start again.

Everything started here is a child process of the test, started in its own session and stopped
by its own id. The machine's shared Redis is never stopped: tests that stop Redis start a
private ``redis-server`` on a free port.
"""

from __future__ import annotations

import asyncio
import email
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlparse

from aiosmtpd.controller import Controller

ROOT = Path(__file__).resolve().parents[2]
PYTHON = sys.executable
CELERY = str(Path(sys.executable).with_name("celery"))


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(predicate, timeout: float, message: str, interval: float = 0.2):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError(f"Timed out after {timeout:.0f} s: {message}")


# --- SMTP sink ----------------------------------------------------------------------------------
class SinkHandler:
    def __init__(self) -> None:
        self.messages: list[dict] = []
        self.stall_seconds = 0.0
        self.stalled = threading.Event()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.stall_seconds and not self.stalled.is_set():
            # Hold the first sender mid-transaction, before it can hand over the message.
            self.stalled.set()
            await asyncio.sleep(self.stall_seconds)
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content)
        self.messages.append(
            {
                "to": envelope.rcpt_tos,
                "subject": str(
                    email.header.make_header(email.header.decode_header(message["Subject"]))
                ),
                "message_id": message["Message-ID"],
                "received": time.time(),
            }
        )
        return "250 Message accepted for delivery"


class Sink:
    """An SMTP server on 127.0.0.1:port that records what it accepted."""

    def __init__(self, port: int | None = None) -> None:
        self.port = port or free_port()
        self.handler = SinkHandler()
        self.controller: Controller | None = None

    def start(self) -> Sink:
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    @property
    def messages(self) -> list[dict]:
        return list(self.handler.messages)


# --- Redis --------------------------------------------------------------------------------------
class PrivateRedis:
    """A redis-server of our own on a free port, without persistence: a restart loses every
    queued message, the harshest case for the broker."""

    def __init__(self, workdir: Path) -> None:
        self.port = free_port()
        self.workdir = workdir
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> PrivateRedis:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server") or "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
        wait_for(self.ping, 10, "private redis-server did not start")
        return self

    def ping(self) -> bool:
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=0.5) as sock:
                sock.sendall(b"PING\r\n")
                return sock.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
        self.process = None


# --- Database -----------------------------------------------------------------------------------
def make_database(workdir: Path) -> tuple[str, callable]:
    """A fresh database for the worker and the test: a SQLite file by default, or a new
    PostgreSQL database on the server of DATABASE_URL. Returns (url, drop)."""
    base = os.environ.get("DATABASE_URL", "")
    if base.startswith(("postgres://", "postgresql://")):
        import psycopg2

        parts = urlparse(base)
        name = f"sonmai_it_{uuid.uuid4().hex[:10]}"
        admin = parts._replace(path="/postgres").geturl()

        def run(sql: str) -> None:
            connection = psycopg2.connect(admin)
            connection.autocommit = True
            with connection.cursor() as cursor:
                cursor.execute(sql)
            connection.close()

        run(f'CREATE DATABASE "{name}"')
        return parts._replace(path=f"/{name}").geturl(), lambda: run(
            f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'
        )
    return f"sqlite:///{workdir / 'portal.sqlite3'}", lambda: None


# --- The stack ----------------------------------------------------------------------------------
@dataclass
class Stack:
    """Environment and processes of one integration scenario."""

    workdir: Path
    database_url: str
    redis_url: str
    smtp_port: int
    processes: list[subprocess.Popen] = field(default_factory=list)
    queue: str = field(default_factory=lambda: f"sonmai-it-{uuid.uuid4().hex[:8]}")

    @property
    def env(self) -> dict[str, str]:
        keep = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "NOTIFICATIONS_", "CELERY_", "REMINDER_"))
            and key not in {"DATABASE_URL", "REDIS_URL", "EMAIL_URL", "PYTEST_CURRENT_TEST"}
        }
        return keep | {
            "DJANGO_SETTINGS_MODULE": "sonmai.settings",
            "DEBUG": "1",
            "VAR_DIR": str(self.workdir / "var"),
            "DATABASE_URL": self.database_url,
            "REDIS_URL": self.redis_url,
            # A queue of our own, so a shared Redis never mixes our tasks with anyone else's.
            "CELERY_QUEUE": self.queue,
            "EMAIL_URL": f"smtp://127.0.0.1:{self.smtp_port}?timeout=2",
            "SITE_URL": "https://sonmai.example.gov.vn",
            "NOTIFICATIONS_PASS_SECONDS": "1",
            "NOTIFICATIONS_SENDING_LEASE": "5",
            "NOTIFICATIONS_REQUEUE_AFTER": "2",
            "NOTIFICATIONS_RETRY_BASE": "1",
            "NOTIFICATIONS_RETRY_MAX": "2",
            # Working hours all day, so the test does not depend on the hour it runs at.
            "REMINDER_WINDOW_START": "00:00",
            "REMINDER_WINDOW_END": "23:59",
            "PYTHONUNBUFFERED": "1",
        }

    def manage(self, *args: str) -> str:
        result = subprocess.run(
            [PYTHON, "manage.py", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout

    def script(self, *args: str) -> dict:
        result = subprocess.run(
            [PYTHON, "-m", "tests.notifications.integration_script", *args],
            cwd=ROOT,
            env=self.env,
            capture_output=True,
            text=True,
            timeout=60,
            check=False,
        )
        assert result.returncode == 0, result.stderr
        return json.loads(result.stdout)

    def _start(self, name: str, args: list[str]) -> subprocess.Popen:
        log = open(self.workdir / f"{name}.log", "ab")  # noqa: SIM115 - lives as long as the process
        process = subprocess.Popen(
            args,
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
        process.name = name
        self.processes.append(process)
        return process

    def start_worker(self, name: str = "worker") -> subprocess.Popen:
        # The solo pool sends in the worker process itself, so killing it kills the send.
        return self._start(
            name,
            [
                CELERY,
                "-A",
                "sonmai",
                "worker",
                "--pool=solo",
                "-Q",
                self.queue,
                "-n",
                f"{name}.{self.queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
                "--loglevel=INFO",
            ],
        )

    def start_beat(self, name: str = "beat") -> subprocess.Popen:
        return self._start(
            name,
            [
                CELERY,
                "-A",
                "sonmai",
                "beat",
                "--pidfile=",
                "-s",
                str(self.workdir / f"{name}-schedule"),
                "--loglevel=INFO",
            ],
        )

    def log(self, name: str) -> str:
        path = self.workdir / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def kill(self, process: subprocess.Popen) -> None:
        """SIGKILL: no clean-up, no acknowledgement, like a machine losing power."""
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(10)

    def stop_all(self) -> None:
        for process in self.processes:
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(10)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(5)

    def forget_queue(self) -> None:
        """Remove our queue, its bindings and its unacknowledged messages from Redis (a shared
        server keeps only what others put there)."""
        import redis

        client = redis.Redis.from_url(self.redis_url, socket_timeout=2)
        try:
            keys = list(client.scan_iter(match=f"*{self.queue}*"))
            if keys:
                client.delete(*keys)
            for tag, payload in client.hscan_iter("unacked"):
                if self.queue.encode() in payload:
                    client.hdel("unacked", tag)
                    client.zrem("unacked_index", tag)
        except redis.RedisError:
            pass  # a private server that was already stopped
        finally:
            client.close()

    def deliveries(self) -> list[dict]:
        return self.script("status")["deliveries"]
