#!/usr/bin/env bash
# make test-tf115: the provider's acceptance tests driven by Terraform 1.15.9, the CLI that runs the
# tests needing Terraform 1.12+ (resource identity) and 1.14+ (list resources, terraform query,
# actions), then the "console-made endpoints" guide end to end (scripts/test-import-guide.sh).
# Terraform 1.15.9 is built from its source tarball on first use (cached; see install-tools.sh).
set -euo pipefail
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

TF115=$("$ROOT/scripts/install-tools.sh" terraform-1.15)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/novita-tf115.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
: >"$WORK/terraformrc"
export TF_CLI_CONFIG_FILE="$WORK/terraformrc" CHECKPOINT_DISABLE=1
echo "acceptance tests with $("$TF115" version | sed -n 1p) ($TF115)"

TF_ACC=1 TF_ACC_TERRAFORM_PATH="$TF115" go test ./internal/provider/... -count=1 -timeout 20m "$@"
TERRAFORM="$TF115" scripts/test-import-guide.sh
