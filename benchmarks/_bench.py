"""Shared set-up for the benchmark scripts: a separate database per engine, seeded once.

The benchmark databases never touch the demo database. There is one per engine and size:
SQLite in ``var/bench/casework-<N>.sqlite3`` and PostgreSQL in the database
``casework_bench_<N>`` (N = number of clients), so 100k and 1M can be measured in any
order. Import this module before Django: :func:`configure` sets the ``CASEWORK_*``
variables and calls ``django.setup()``.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BENCH_DIR = ROOT / "var" / "bench"
RESULTS_DIR = ROOT / "benchmarks" / "results"
PG_SERVER = os.environ.get("BENCH_PG_SERVER", "postgres://postgres@127.0.0.1:5432")
PG_DATABASE = os.environ.get("BENCH_PG_DATABASE", "casework_bench")
BENCH_PASSWORD = "benchmark password not for production 1"


def sqlite_file(clients: int) -> Path:
    return BENCH_DIR / f"casework-{clients}.sqlite3"


def pg_database(clients: int) -> str:
    return f"{PG_DATABASE}_{clients}"


def database_url(engine: str, clients: int) -> str:
    if engine == "sqlite":
        return f"sqlite:///{sqlite_file(clients)}"
    if engine == "postgres":
        return f"{PG_SERVER}/{pg_database(clients)}"
    raise SystemExit(f"unknown engine {engine!r}: use sqlite or postgres")


def seeded_marker(engine: str, clients: int) -> Path:
    """Written after a complete seed, so a half-loaded database is never measured."""
    return BENCH_DIR / f"{engine}-{clients}.seeded"


def require_seeded(engine: str, clients: int) -> None:
    if not seeded_marker(engine, clients).exists():
        raise SystemExit(
            f"seed first: .venv/bin/python benchmarks/seed.py --engine {engine} --clients {clients}"
        )


def bench_environ(engine: str, clients: int) -> dict[str, str]:
    """The environment every benchmark process (and the served app) runs with."""
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "casework.settings",
        "CASEWORK_DATABASE_URL": database_url(engine, clients),
        "CASEWORK_VAR_DIR": str(BENCH_DIR),
        "CASEWORK_TASK_BACKEND": "immediate",
        "CASEWORK_DEMO_PASSWORD": BENCH_PASSWORD,
        "CASEWORK_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
        "CASEWORK_LOG_LEVEL": "WARNING",
    }


def configure(engine: str, clients: int) -> None:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    os.environ.update(bench_environ(engine, clients))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def machine() -> dict[str, Any]:
    cpu = "unknown"
    with open("/proc/cpuinfo") as handle:
        for line in handle:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    with open("/proc/meminfo") as handle:
        memory_kb = int(handle.readline().split()[1])
    load = os.getloadavg()
    return {
        "cpu_check_ms": cpu_check_ms(),
        "cpu": cpu,
        "nproc": os.cpu_count(),
        "memory_gib": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
        "load_average_1m": round(load[0], 2),
    }


def cpu_check_ms() -> float:
    """Time of a fixed pure-Python loop (best of 5), recorded with every result.

    On an idle core of a current server CPU this takes some 25-40 ms with Python 3.11 (an
    estimate, not measured here); a much larger figure means the machine was busy and
    every other number of that run is inflated accordingly.
    """
    best = float("inf")
    for _ in range(5):
        started = time.perf_counter()
        total = 0
        for i in range(1_000_000):
            total += i
        best = min(best, time.perf_counter() - started)
    return round(best * 1000, 1)


def percentile(samples: list[float], pct: float) -> float:
    """Nearest-rank percentile of ``samples`` (milliseconds in, milliseconds out)."""
    ordered = sorted(samples)
    rank = max(0, min(len(ordered) - 1, round(pct / 100 * len(ordered) + 0.5) - 1))
    return ordered[rank]


def summarize(samples: list[float]) -> dict[str, float]:
    return {
        "n": len(samples),
        "p50_ms": round(percentile(samples, 50), 2),
        "p95_ms": round(percentile(samples, 95), 2),
        "max_ms": round(max(samples), 2),
        "mean_ms": round(statistics.fmean(samples), 2),
    }


def timed(calls: list[Callable[[], Any]]) -> list[float]:
    """Run each call once; the wall time of each in milliseconds."""
    samples = []
    for call in calls:
        started = time.perf_counter()
        call()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


@contextmanager
def stopwatch(label: str) -> Iterator[None]:
    started = time.perf_counter()
    yield
    print(f"{label}: {time.perf_counter() - started:.1f} s", flush=True)


def save_result(name: str, result: dict[str, Any]) -> Path:
    RESULTS_DIR.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime())
    path = RESULTS_DIR / f"{name}-{stamp}.json"
    path.write_text(json.dumps(result, indent=2, default=str))
    return path


def casework(engine: str, clients: int, *args: str, capture: bool = True) -> str:
    """Run a ``casework`` command against the benchmark database; its stdout."""
    done = subprocess.run(
        [sys.executable, "-m", "casework.cli", *args],
        cwd=ROOT,
        env=bench_environ(engine, clients),
        check=True,
        capture_output=capture,
        text=True,
    )
    return done.stdout or ""
