#!/usr/bin/env bash
# The suite must also pass on PostgreSQL. In CI (CI=true) an unreachable server fails
# the run; elsewhere it is reported and the PostgreSQL pass is skipped loudly.
set -uo pipefail
url="$1"
if .venv/bin/python - "$url" <<'PY'
import sys, psycopg
url = sys.argv[1].rsplit("/", 1)[0] + "/postgres"
try:
    psycopg.connect(url, connect_timeout=5).close()
except Exception as exc:  # noqa: BLE001 - any failure means "not reachable"
    print(f"PostgreSQL not reachable at {url}: {exc}", file=sys.stderr)
    sys.exit(1)
PY
then exit 0; fi
if [ "${CI:-}" = "true" ]; then
  echo "CI=true and PostgreSQL is unavailable: failing." >&2
  exit 1
fi
echo "WARNING: PostgreSQL unavailable; start it or the PostgreSQL pass cannot run." >&2
exit 1
