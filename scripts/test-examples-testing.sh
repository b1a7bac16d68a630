#!/usr/bin/env bash
# `terraform test` of examples/testing against a local Novita emulator, as a user's CI would run
# its own module's tests: no account, nothing billed.
#
#   scripts/test-examples-testing.sh [--tofu] [ARG...]
#
# Builds the provider and cmd/novita-emulator, starts the emulator on a free loopback port with one
# injected fault (two 429s on the first cloud-storage create, which the provider must retry
# through), points Terraform at the local provider build (dev_overrides: no registry, no init),
# and runs `terraform test -var-file=tests/emulator.tfvars ARG...` in a copy of examples/testing.
# --tofu runs `tofu test` with OpenTofu 1.12.6 instead (scripts/install-tools.sh tofu; built and
# cached on first use). The emulator is stopped on every exit.
set -euo pipefail
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/emulator-lib.sh
. "$ROOT/scripts/emulator-lib.sh"
cd "$ROOT"

tool=terraform
if [[ ${1:-} == --tofu ]]; then
  tool=tofu
  shift
fi
TF=$("$ROOT/scripts/install-tools.sh" "$tool")

WORK=$(mktemp -d "${TMPDIR:-/tmp}/novita-tftest.XXXXXX")
clean_up_on_exit "$WORK"

mkdir -p "$WORK/bin"
go build -o "$WORK/bin/" . ./cmd/novita-emulator
cat >"$WORK/cli.tfrc" <<CONFIG
provider_installation {
  dev_overrides {
    "novitalabs/novita" = "$WORK/bin"
  }
  direct {}
}
CONFIG
export TF_CLI_CONFIG_FILE="$WORK/cli.tfrc" TF_INPUT=0 CHECKPOINT_DISABLE=1

# Short lifecycle delays and fast workers keep the run to seconds; every waiter still polls.
start_emulator "$WORK/bin/novita-emulator" "$WORK" -speed 20 \
  -create-delay 1s -update-delay 1s -delete-delay 1s \
  -fault "POST /gpu-instance/openapi/v1/networkstorage/create 429 times=2 retry-after=1"
echo "$("$TF" version | sed -n 1p) test in examples/testing against the emulator at $NOVITA_BASE_URL"

color=()
[[ -t 1 ]] || color=(-no-color)
cp -R examples/testing "$WORK/testing"
cd "$WORK/testing"
"$TF" test "${color[@]}" -var-file=tests/emulator.tfvars "$@"
