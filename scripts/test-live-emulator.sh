#!/usr/bin/env bash
# The provider's acceptance tests in live mode (what `make testacc-live` runs against Novita),
# pointed at an out-of-process emulator instead: the tests get no in-process hooks and must find
# everything through the API, exactly as against the real service. No account, nothing billed.
#
# Builds cmd/novita-emulator, starts it on a free loopback port (-port-file tells which), exports
# NOVITA_BASE_URL, NOVITA_ASYNC_BASE_URL and NOVITA_API_KEY, runs
# `NOVITA_ACC_LIVE=1 TF_ACC=1 go test ./internal/provider/`, and stops the emulator on every exit.
# Extra arguments go to `go test` (e.g. -run TestAccEndpoint).
set -euo pipefail
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/novita-live-emulator.XXXXXX")
EMULATOR_PID=""
cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $EMULATOR_PID ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 && -s $WORK/emulator.log ]]; then
    echo "Last lines of the emulator's log:" >&2
    tail -n 20 "$WORK/emulator.log" | sed 's/^/    /' >&2
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

go build -o "$WORK/novita-emulator" ./cmd/novita-emulator
# Short lifecycle delays keep the run fast while still making every waiter poll at least once.
"$WORK/novita-emulator" -port-file "$WORK/emulator.url" -speed 100 \
  -create-delay 200ms -update-delay 100ms -delete-delay 100ms >"$WORK/emulator.log" 2>&1 &
EMULATOR_PID=$!
for _ in $(seq 1 100); do # up to 10 s for the emulator to listen
  [[ -s $WORK/emulator.url ]] && break
  kill -0 "$EMULATOR_PID" 2>/dev/null || { echo "The emulator exited during start-up." >&2; exit 1; }
  sleep 0.1
done
[[ -s $WORK/emulator.url ]] || { echo "The emulator did not start listening within 10 s." >&2; exit 1; }

NOVITA_BASE_URL=$(sed -n 1p "$WORK/emulator.url")
export NOVITA_BASE_URL
export NOVITA_ASYNC_BASE_URL="$NOVITA_BASE_URL/v1"
# The emulator's first key: NOVITA_EMULATOR_API_KEY may be a list "key[=team],...".
first_key=${NOVITA_EMULATOR_API_KEY:-sk_emulator_local_key}
first_key=${first_key%%,*}
export NOVITA_API_KEY=${first_key%%=*}
echo "acceptance tests in live mode against the emulator at $NOVITA_BASE_URL (process $EMULATOR_PID)"

NOVITA_ACC_LIVE=1 TF_ACC=1 go test ./internal/provider/ -count=1 -timeout 10m "$@"
