"""Load-test the served API: ``GET /api/v1/clients/{id}`` with a bearer token.

    .venv/bin/python benchmarks/api_load.py --engine postgres --clients 100000 [--runs 3]

Starts ``casework serve --workers 1 --no-worker`` (granian, WSGI) on a free loopback port
against the benchmark database, creates a token with ``casework token create`` for
``cm.healthcare@example.org``, and drives random clients that the case manager may see
with ``wrk`` (Debian package ``wrk``): 16 connections, 2 threads, keep-alive, bounded in
time. Each request goes through token authentication, the ``access_client`` gate and
writes its audit row; the script counts the new audit rows to confirm it. Reports
requests/s and p95 latency per run and the median of the runs.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import _bench

CASE_MANAGER = "cm.healthcare@example.org"
CONNECTIONS = 16

LUA = """
local ids = {%(ids)s}
local headers = {["Authorization"] = "Bearer %(token)s", ["Accept"] = "application/json"}
request = function()
  return wrk.format("GET", "/api/v1/clients/" .. ids[math.random(#ids)], headers)
end
done = function(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests": %%d, "duration_us": %%d, "non_2xx": %%d, "socket_errors": %%d,'
    .. ' "p50_us": %%d, "p95_us": %%d, "p99_us": %%d}\\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99)))
end
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(base: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{base}/readyz", timeout=2) as response:  # noqa: S310 - loopback
                if response.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise SystemExit("the server did not become ready")


def api_answers(base: str, token: str, client_id: int) -> int:
    request = urllib.request.Request(  # noqa: S310 - loopback URL we built
        f"{base}/api/v1/clients/{client_id}", headers={"Authorization": f"Bearer {token}"}
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:  # noqa: S310 - loopback
            return int(response.status)
    except urllib.error.HTTPError as error:
        return int(error.code)


def run_wrk(base: str, script: Path, seconds: int) -> dict[str, Any]:
    command = ["wrk", "-t2", f"-c{CONNECTIONS}", f"-d{seconds}s", "--timeout", "5s"]
    done = subprocess.run(
        [*command, "-s", str(script), base], capture_output=True, text=True, check=True
    )
    line = next(x for x in done.stdout.splitlines() if x.startswith("RESULT "))
    raw = json.loads(line.removeprefix("RESULT "))
    seconds_run = raw["duration_us"] / 1e6
    return {
        "requests": raw["requests"],
        "requests_per_s": round(raw["requests"] / seconds_run, 1),
        "p50_ms": round(raw["p50_us"] / 1000, 2),
        "p95_ms": round(raw["p95_us"] / 1000, 2),
        "p99_ms": round(raw["p99_us"] / 1000, 2),
        "non_2xx": raw["non_2xx"],
        "socket_errors": raw["socket_errors"],
        "seconds": round(seconds_run, 2),
    }


def audit_rows() -> int:
    from casework.audit.models import AuditEvent

    return AuditEvent.objects.filter(action="view", target_type="client").count()


def serve(engine: str, clients: int, port: int, threads: int) -> subprocess.Popen[bytes]:
    command = [sys.executable, "-m", "casework.cli", "serve", "--workers", "1", "--no-worker"]
    command += ["--port", str(port), "--threads", str(threads)]
    return subprocess.Popen(
        command,
        cwd=_bench.ROOT,
        env=_bench.bench_environ(engine, clients),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--engine", choices=["sqlite", "postgres"], required=True)
    parser.add_argument("--clients", type=int, default=100_000, help="which seeded database")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--seconds", type=int, default=20)
    parser.add_argument("--threads", type=int, default=8, help="server threads")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    size = args.clients
    _bench.require_seeded(args.engine, size)
    _bench.configure(args.engine, size)
    from casework.accounts.models import User
    from casework.clients.models import Client

    user = User.objects.get(email=CASE_MANAGER)
    visible = list(Client.objects.visible_to(user).values_list("id", flat=True)[:50000])
    ids = random.Random(7).sample(visible, min(2000, len(visible)))
    token = _bench.casework(args.engine, size, "token", "create", "--email", CASE_MANAGER).strip()
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    server = serve(args.engine, size, port, args.threads)
    try:
        wait_ready(base)
        status = api_answers(base, token, ids[0])
        if status != 200:
            raise SystemExit(f"GET /api/v1/clients/{{id}} answered {status}: is the API there?")
        with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
            handle.write(LUA % {"ids": ",".join(map(str, ids)), "token": token})
            script = Path(handle.name)
        run_wrk(base, script, 3)  # warm-up: pool, caches, first requests
        runs = []
        for number in range(args.runs):
            before = audit_rows()
            result = run_wrk(base, script, args.seconds)
            result["audit_rows_written"] = audit_rows() - before
            result["audited_reads_per_s"] = round(
                result["audit_rows_written"] / result["seconds"], 1
            )
            print(f"run {number + 1}: {result}", flush=True)
            runs.append(result)
        os.unlink(script)
    finally:
        server.send_signal(signal.SIGTERM)
        server.wait(timeout=60)
    median = {
        key: statistics.median(r[key] for r in runs)
        for key in ("requests_per_s", "audited_reads_per_s", "p50_ms", "p95_ms", "p99_ms")
    }
    summary = {
        "engine": args.engine,
        "clients": size,
        "connections": CONNECTIONS,
        "server": f"granian WSGI, 1 worker, {args.threads} threads",
        "machine": _bench.machine(),
        "runs": runs,
        "median": median,
    }
    print(f"median of {args.runs} runs at {size} clients on {args.engine}: {median}")
    print("saved", _bench.save_result(f"api-{args.engine}-{size}", summary))


if __name__ == "__main__":
    main()
