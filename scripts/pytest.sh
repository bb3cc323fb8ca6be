#!/usr/bin/env bash
# One pytest pass of `make test`, run so that it cannot pass by accident:
#   scripts/pytest.sh LABEL MIN_PASSED [--no-skips] -- PYTEST_ARGS...
# * exit code 5 (no tests collected) is a failure, not a pass;
# * fewer than MIN_PASSED passing tests is a failure (a collection that silently shrank);
# * with --no-skips, any skipped test is a failure when CI=true (a browser that vanished);
# * the pass's summary line is appended to test-artifacts/pytest-summary.txt, which
#   .ci/run prints at the end of the run.
set -uo pipefail
label="$1"
min_passed="$2"
shift 2
no_skips=false
if [ "${1:-}" = "--no-skips" ]; then
  no_skips=true
  shift
fi
[ "${1:-}" = "--" ] && shift

mkdir -p test-artifacts
log="test-artifacts/pytest-${label}.log"
summary_file="test-artifacts/pytest-summary.txt"

echo "==> pytest (${label}): pytest $*"
.venv/bin/pytest "$@" -ra 2>&1 | tee "$log"
rc=${PIPESTATUS[0]}

# pytest -q ends with e.g. "120 passed, 2 skipped in 14.20s"; without -q it is framed by "=".
summary=$(grep -E '([0-9]+ (passed|failed|errors?|skipped|deselected|xfailed|xpassed)|no tests ran).* in [0-9.]+s' "$log" \
  | tail -n 1 | sed -E 's/^=+ //; s/ =+$//')
[ -n "$summary" ] || summary="no pytest summary line (pytest exit code ${rc})"
count() { grep -oE "[0-9]+ $1" <<<"$summary" | grep -oE '^[0-9]+' || echo 0; }
passed=$(count passed)
skipped=$(count skipped)

verdict=ok
if [ "$rc" -eq 5 ]; then
  echo "FAIL (${label}): pytest collected no tests (exit code 5)." >&2
  verdict=fail
  rc=1
elif [ "$rc" -ne 0 ]; then
  verdict=fail
elif [ "$passed" -lt "$min_passed" ]; then
  echo "FAIL (${label}): only ${passed} tests passed; at least ${min_passed} expected." >&2
  verdict=fail
  rc=1
elif $no_skips && [ "$skipped" -gt 0 ] && [ "${CI:-}" = "true" ]; then
  echo "FAIL (${label}): ${skipped} tests skipped; in CI this pass may skip nothing." >&2
  verdict=fail
  rc=1
fi
echo "pytest ${label}: ${summary} [${verdict}]" | tee -a "$summary_file"
exit "$rc"
