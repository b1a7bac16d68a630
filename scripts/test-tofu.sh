#!/usr/bin/env bash
# make test-tofu: the provider's acceptance tests driven by OpenTofu instead of Terraform.
# OpenTofu 1.12.6 is built from the Go module proxy on first use (cached; see install-tools.sh).
set -euo pipefail
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

TOFU=$("$ROOT/scripts/install-tools.sh" tofu)

# tofu prints a warning on stdout when TF_CLI_CONFIG_FILE names a missing file, which breaks
# terraform-plugin-testing's version parsing: give it an empty file that exists.
WORK=$(mktemp -d "${TMPDIR:-/tmp}/novita-tofu.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
: >"$WORK/tofurc"
export TF_CLI_CONFIG_FILE="$WORK/tofurc"
echo "acceptance tests with $("$TOFU" version | sed -n 1p) ($TOFU)"

TF_ACC=1 TF_ACC_TERRAFORM_PATH="$TOFU" TF_ACC_PROVIDER_HOST=registry.opentofu.org \
  go test ./internal/provider/... -count=1 -timeout 20m "$@"
