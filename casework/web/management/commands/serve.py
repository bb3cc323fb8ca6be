"""``casework serve``: the production WSGI server (granian) plus the background task worker.

granian runs ``casework.wsgi:application`` in WSGI mode: measured here it holds up under
many keep-alive clients where gunicorn's sync workers starve them. Unless ``--no-worker``,
the django-tasks database worker runs beside it as a child process. SIGTERM and SIGINT are
passed to both children, which finish their current request or task and exit.

``--reload`` (development) restarts both children when a Python file or template under
the project changes. It uses Django's own file watcher (``StatReloader``) rather than
granian's reloader, which needs the ``granian[reload]`` extra (watchfiles) that Casework
does not otherwise depend on.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path
from types import FrameType
from typing import Any

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError, CommandParser

from casework.core.env import env_int

WSGI_TARGET = "casework.wsgi:application"
STOP_TIMEOUT = 20.0  # seconds a child gets to finish its work after SIGTERM
GRANIAN_KILL_TIMEOUT = 10  # granian kills a stuck worker first, so none is orphaned
POLL_SECONDS = 0.5


@dataclass(frozen=True)
class ServeOptions:
    host: str = "127.0.0.1"
    port: int = 8000
    workers: int = 1
    threads: int = 8
    access_log: bool = False


def granian_command(options: ServeOptions) -> list[str]:
    """The granian command line for ``options`` (WSGI, HTTP/1.1 and 2, no websockets)."""
    command = [
        sys.executable,
        "-m",
        "granian",
        "--interface",
        "wsgi",
        "--host",
        options.host,
        "--port",
        str(options.port),
        "--workers",
        str(options.workers),
        # WSGI requests run on granian's blocking threads: this is the per-worker thread
        # count, and it should not exceed the database pool (CASEWORK_DB_POOL_MAX).
        "--blocking-threads",
        str(options.threads),
        "--no-ws",
        "--respawn-failed-workers",
        "--workers-kill-timeout",
        str(GRANIAN_KILL_TIMEOUT),
    ]
    command += ["--access-log"] if options.access_log else ["--no-access-log"]
    return [*command, WSGI_TARGET]


def worker_command() -> list[str]:
    """The task worker, run through the ``casework`` entry point: django-tasks' database
    worker, or RQ's worker with its scheduler when ``CASEWORK_TASKS_URL`` names Redis."""
    if getattr(settings, "TASKS_URL", ""):
        return [sys.executable, "-m", "casework.cli", "rqworker", "--with-scheduler", "default"]
    return [sys.executable, "-m", "casework.cli", "db_worker", "--no-reload"]


def watched_files() -> dict[Path, float]:
    """Modification times of the project's Python files and templates (for ``--reload``)."""
    root = Path(settings.BASE_DIR) / "casework"
    stamps: dict[Path, float] = {}
    for pattern in ("**/*.py", "**/*.html", "**/*.txt"):
        for path in root.glob(pattern):
            try:
                stamps[path] = path.stat().st_mtime
            except OSError:  # deleted while we looked
                continue
    return stamps


def _die_with_parent() -> None:
    """Linux: the child gets SIGTERM if this process dies, even by SIGKILL, so no server is
    left holding the port after its supervisor is gone."""
    if sys.platform.startswith("linux"):
        import ctypes

        pr_set_pdeathsig = 1
        ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class Supervisor:
    """Starts the server and the worker, forwards signals, and stops both together."""

    def __init__(self, commands: list[list[str]], stdout: Any) -> None:
        self.commands = commands
        self.stdout = stdout
        self.children: list[subprocess.Popen[bytes]] = []
        self.stopping = False

    def start(self) -> None:
        # Each child leads its own process group, so stopping one also reaches anything
        # it started (granian's worker processes) even if it does not pass the signal on.
        self.children = [
            subprocess.Popen(  # noqa: S603 - our own interpreter and fixed arguments
                command, start_new_session=True, preexec_fn=_die_with_parent
            )
            for command in self.commands
        ]

    def stop(self) -> None:
        for child in self.children:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(child.pid, signal.SIGTERM)
        deadline = time.monotonic() + STOP_TIMEOUT
        for child in self.children:
            try:
                child.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(child.pid, signal.SIGKILL)
                child.wait()

    def handle_signal(self, signum: int, frame: FrameType | None) -> None:
        self.stopping = True

    def exited(self) -> int | None:
        """The exit code of the first child that has stopped, or None while all run."""
        for child in self.children:
            code = child.poll()
            if code is not None:
                return code
        return None

    def run(self, *, reload: bool = False) -> int:
        previous = {
            sig: signal.signal(sig, self.handle_signal) for sig in (signal.SIGTERM, signal.SIGINT)
        }
        try:
            self.start()
            stamps = watched_files() if reload else {}
            while not self.stopping:
                time.sleep(POLL_SECONDS)
                code = self.exited()
                if code is not None:
                    self.stdout.write(f"A child process exited ({code}); stopping.")
                    return code or 1
                if reload and (current := watched_files()) != stamps:
                    stamps = current
                    self.stdout.write("Files changed; restarting the server and worker.")
                    self.stop()
                    self.start()
            return 0
        finally:
            self.stop()
            for sig, handler in previous.items():
                signal.signal(sig, handler)


class Command(BaseCommand):
    help = (
        "Serve Casework with granian (WSGI) on HOST:PORT (default 127.0.0.1 and "
        "CASEWORK_PORT or 8000), with the background task worker beside it unless "
        "--no-worker. Collects static files first with CASEWORK_PROFILE=production. "
        "--reload restarts on code changes (development only)."
    )
    requires_system_checks = []  # the served processes run the checks that matter

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--host", default="127.0.0.1", help="Address to bind.")
        parser.add_argument("--port", type=int, default=None, help="Port (CASEWORK_PORT, 8000).")
        parser.add_argument("--workers", type=int, default=1, help="Server processes.")
        parser.add_argument("--threads", type=int, default=8, help="Threads per process.")
        parser.add_argument("--reload", action="store_true", help="Restart on code changes.")
        parser.add_argument("--demo", action="store_true", help="Print the demo accounts first.")
        parser.add_argument("--no-worker", action="store_true", help="No task worker.")
        parser.add_argument("--access-log", action="store_true", help="Log every request.")

    def handle(self, *args: Any, **options: Any) -> None:
        serve = self.serve_options(options)
        if settings.PRODUCTION:
            call_command("collectstatic", interactive=False, verbosity=0)
        if options["demo"]:
            self.print_demo_banner(serve.port)
        commands = [granian_command(serve)]
        if not options["no_worker"]:
            commands.append(worker_command())
        self.stdout.write(f"Serving Casework on http://{serve.host}:{serve.port}", ending="\n")
        self.stdout.flush()
        code = Supervisor(commands, self.stdout).run(reload=options["reload"])
        if code:
            raise CommandError(f"The server stopped with exit code {code}.", returncode=code)

    def serve_options(self, options: dict[str, Any]) -> ServeOptions:
        port = options["port"] if options["port"] is not None else env_int("PORT", 8000)
        if not 0 < port < 65536:
            raise CommandError(f"--port must be 1-65535, not {port}.")
        if options["workers"] < 1 or options["threads"] < 1:
            raise CommandError("--workers and --threads must be at least 1.")
        return ServeOptions(
            host=options["host"],
            port=port,
            workers=options["workers"],
            threads=options["threads"],
            access_log=options["access_log"],
        )

    def print_demo_banner(self, port: int) -> None:
        from casework.clients import demo

        self.stdout.write(demo.demo_banner(demo.demo_password(), demo.demo_url(port)))
        self.stdout.write("")
