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
# shellcheck source=scripts/emulator-lib.sh
. "$ROOT/scripts/emulator-lib.sh"
cd "$ROOT"

WORK=$(mktemp -d "${TMPDIR:-/tmp}/novita-live-emulator.XXXXXX")
clean_up_on_exit "$WORK"

go build -o "$WORK/novita-emulator" ./cmd/novita-emulator
# Short lifecycle delays keep the run fast while still making every waiter poll at least once.
start_emulator "$WORK/novita-emulator" "$WORK" -speed 100 -create-delay 200ms -update-delay 100ms -delete-delay 100ms -prewarm-time 500ms
echo "acceptance tests in live mode against the emulator at $NOVITA_BASE_URL (process $EMULATOR_PID)"

NOVITA_ACC_LIVE=1 TF_ACC=1 go test ./internal/provider/ -count=1 -timeout 10m "$@"
