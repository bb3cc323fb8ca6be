#!/usr/bin/env bash
# `make bench`: seed the benchmark databases and run the scripts in benchmarks/
# (method and results: docs/benchmarks.md). Knobs, all optional:
#   BENCH_CLIENTS=1000000   clients to seed (default 100000; re-seeded only when it changes)
#   BENCH_ENGINES=sqlite    engines (default "sqlite postgres")
#   BENCH_RUNS=5            runs per measurement, the median is reported (default 3)
#   BENCH_SECONDS=20        length of each API load run (default 20)
#   BENCH=queries           only one part: seed, queries, api, care, matching (default:
#                           seed, queries, api and care; "all" adds the record-linkage one)
#   BENCH_PER_CLIENT=3      assessments per client for the care benchmark (default 3)
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
clients=${BENCH_CLIENTS:-100000}
engines=${BENCH_ENGINES:-sqlite postgres}
runs=${BENCH_RUNS:-3}
seconds=${BENCH_SECONDS:-20}
only=${BENCH:-}
per_client=${BENCH_PER_CLIENT:-3}

wants() { [ -z "$only" ] || [ "$only" = "$1" ] || [ "$only" = all ]; }

need_wrk() {
  command -v wrk >/dev/null && return 0
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "Installing Debian wrk for the API load benchmark..."
    apt-get update -qq
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq wrk >/dev/null
    return 0
  fi
  echo "The API load benchmark needs wrk (Debian package 'wrk')." >&2
  return 1
}

for engine in $engines; do
  if [ "$engine" = postgres ]; then
    status=0
    bash scripts/require-postgres.sh "postgres://postgres@127.0.0.1:5432/postgres" || status=$?
    if [ "$status" -ne 0 ]; then
      echo "PostgreSQL is unavailable: no PostgreSQL benchmarks." >&2
      exit 1
    fi
  fi
  if wants seed || wants queries || wants api || wants care; then
    echo "==> bench: seed $engine with $clients clients (skipped when already that size)"
    "$PY" benchmarks/seed.py --engine "$engine" --clients "$clients" --if-needed
  fi
  if wants queries; then
    echo "==> bench: queries on $engine ($runs runs)"
    "$PY" benchmarks/queries.py --engine "$engine" --clients "$clients" --runs "$runs"
  fi
  if wants api; then
    need_wrk
    echo "==> bench: API load on $engine ($runs runs of ${seconds}s)"
    "$PY" benchmarks/api_load.py --engine "$engine" --clients "$clients" --runs "$runs" --seconds "$seconds"
  fi
  if wants care; then
    echo "==> bench: assessments and plans on $engine ($runs runs)"
    "$PY" benchmarks/assessments.py --engine "$engine" --clients "$clients" \
      --per-client "$per_client" --runs "$runs"
  fi
done

if [ "$only" = matching ] || [ "$only" = all ]; then
  echo "==> bench: record linkage (matching)"
  "$PY" benchmarks/matching/linkage.py --runs "$runs"
fi
echo "==> bench: done; results are under benchmarks/results/ (copy the medians to docs/benchmarks.md)"
