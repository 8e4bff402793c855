"""Risky work on an uploaded file, done in a child process with memory, CPU and time limits.

Decoding a picture or unpacking an office file that someone uploaded can need far more memory
than the file's size suggests: a 233 KB PNG of 60 megapixels is 240 MB once decoded, a DOCX of
a few kilobytes can unpack to gigabytes. Such work runs in a fresh interpreter that limits
itself before it imports anything: its address space (``RLIMIT_AS``), its CPU time
(``RLIMIT_CPU``) and no core dump; the parent adds a wall-clock timeout and kills it past that.
Whatever a limit stops, the web or worker process that asked is untouched, and the memory the
child used goes back to the system when it exits (a long-lived process would keep it).

The child is a script run by its path (``runpy.run_path``), not as a module of the project, so
the ``sonmai`` package (Celery, Django) is not imported and the child starts in a few
hundredths of a second; such a script imports only the project's Django-free modules (never
``sonmai.*``, whose package starts Celery and Django). It answers on its
standard output, one JSON object per line: ``{"progress": {...}}`` lines while it works, then
its outcome (``{"result": ...}`` or ``{"error": code, "detail": {...}}``).

This module imports nothing from Django either: it is also the child's entry point,
``python -P sandbox.py MEMORY_MB CPU_SECONDS SCRIPT ARGS...`` (``-P``: this folder, which holds
modules named like the standard library's, is not put on the import path).
"""

from __future__ import annotations

import json
import os
import resource
import runpy
import select
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


class SandboxError(Exception):
    """The child gave no outcome: ``code`` is "timeout" (wall clock or CPU time ran out) or
    "memory" (stopped by its memory limit, or died without a word, which is how a failed
    allocation in C code shows)."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def limit_self(memory_mb: int, cpu_seconds: int) -> None:
    """Cap this process's address space and CPU time, and write no core file."""
    memory = memory_mb * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 5))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def run_in_child(
    script: str | Path,
    args: list[str],
    *,
    memory_mb: int,
    timeout: float,
    on_progress: Callable[[dict], None] | None = None,
) -> dict:
    """Run ``script`` with ``args`` in a child limited to ``memory_mb`` and ``timeout`` seconds
    (wall clock, and as much CPU time); return its outcome message, or raise ``SandboxError``.

    ``on_progress`` receives the body of each ``progress`` line as it arrives.
    """
    command = [
        sys.executable,
        "-P",
        __file__,
        str(int(memory_mb)),
        str(max(1, int(timeout))),
        str(script),
        *args,
    ]
    started = time.monotonic()
    process = subprocess.Popen(  # noqa: S603 - our own scripts, arguments we built
        command,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        cwd=str(ROOT),
        env=dict(os.environ, PYTHONUNBUFFERED="1", OMP_THREAD_LIMIT="1"),
    )
    buffer = b""
    outcome: dict | None = None
    try:
        while True:
            remaining = timeout - (time.monotonic() - started)
            if remaining <= 0:
                raise SandboxError("timeout")
            ready, _w, _x = select.select([process.stdout], [], [], min(remaining, 1.0))
            if not ready:
                if process.poll() is not None:
                    break
                continue
            chunk = os.read(process.stdout.fileno(), 65536)
            if not chunk:
                break
            buffer += chunk
            while b"\n" in buffer:
                line, buffer = buffer.split(b"\n", 1)
                message = json.loads(line)
                if "progress" in message:
                    if on_progress:
                        on_progress(message["progress"])
                else:
                    outcome = message
    finally:
        if process.poll() is None:
            process.kill()
        process.wait()
        process.stdout.close()
    if outcome is None:
        if process.returncode in (-signal.SIGXCPU, -signal.SIGKILL):
            raise SandboxError("timeout")  # the CPU-time limit: soft, then hard
        raise SandboxError("memory")
    return outcome


def emit(message: dict) -> None:
    """One line of the child's answer (scripts run by this module write the same)."""
    sys.stdout.write(json.dumps(message, ensure_ascii=False) + "\n")
    sys.stdout.flush()


def _child(argv: list[str]) -> int:
    memory_mb, cpu_seconds, script, *args = argv
    limit_self(int(memory_mb), int(cpu_seconds))
    # The project's root, for scripts that use its Django-free modules; -P kept this
    # folder off the path.
    sys.path.insert(0, str(ROOT))
    sys.argv = [script, *args]
    try:
        runpy.run_path(script, run_name="__main__")
    except MemoryError:
        emit({"error": "memory", "detail": {}})
    return 0


if __name__ == "__main__":
    sys.exit(_child(sys.argv[1:]))
