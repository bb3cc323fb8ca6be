#!/usr/bin/env bash
# `make bench`: run the benchmark scripts in benchmarks/ (results go to docs/benchmarks.md).
#   BENCH_ARGS="--clients 100000" make bench     passes arguments to every script
#   BENCH=search make bench                      runs only scripts whose name contains "search"
# A benchmarks/run.sh or benchmarks/run.py, when present, is the suite's own entry point and
# is run instead of the individual scripts.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
read -r -a extra <<<"${BENCH_ARGS:-}"

if [ -z "${BENCH:-}" ] && [ -f benchmarks/run.sh ]; then
  exec bash benchmarks/run.sh "${extra[@]}"
fi
if [ -z "${BENCH:-}" ] && [ -f benchmarks/run.py ]; then
  exec "$PY" benchmarks/run.py "${extra[@]}"
fi

shopt -s nullglob
scripts=()
for script in benchmarks/*.py benchmarks/*.sh; do
  name=$(basename "$script")
  case "$name" in _* | conftest.py | __init__.py) continue ;; esac
  if [ -n "${BENCH:-}" ] && [[ "$name" != *"${BENCH}"* ]]; then continue; fi
  scripts+=("$script")
done
if [ ${#scripts[@]} -eq 0 ]; then
  echo "No benchmark scripts found in benchmarks/${BENCH:+ matching '$BENCH'}." >&2
  exit 1
fi
for script in "${scripts[@]}"; do
  echo "==> bench: $script ${extra[*]:-}"
  case "$script" in
    *.py) "$PY" "$script" "${extra[@]}" ;;
    *.sh) bash "$script" "${extra[@]}" ;;
  esac
done
