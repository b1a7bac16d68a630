#!/usr/bin/env bash
# Checks every example under examples/: `terraform fmt -check`, then `terraform validate` of each
# example directory against a local build of the provider (dev_overrides: no registry, no init).
#
#   scripts/validate-examples.sh [--provider BINARY] [DIR...]
#
# --provider BINARY: a provider executable to validate with (CI passes goreleaser's snapshot
# build); without it the provider is built from this checkout. DIR...: the example directories to
# validate; default: every directory under examples/ that holds .tf files.
set -euo pipefail
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"

TERRAFORM=$("$ROOT/scripts/install-tools.sh" terraform)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/novita-examples.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

provider_binary=""
if [[ ${1:-} == --provider ]]; then
  provider_binary=$2
  shift 2
fi
if [[ $# -gt 0 ]]; then
  dirs=("$@")
else
  mapfile -t dirs < <(find examples -name '*.tf' -exec dirname {} \; | sort -u)
fi

mkdir -p "$WORK/plugins"
if [[ -n $provider_binary ]]; then
  cp "$provider_binary" "$WORK/plugins/terraform-provider-novita"
else
  go build -o "$WORK/plugins/terraform-provider-novita" .
fi
cat >"$WORK/terraformrc" <<CONFIG
provider_installation {
  dev_overrides {
    "novitalabs/novita" = "$WORK/plugins"
  }
  direct {}
}
CONFIG
export TF_CLI_CONFIG_FILE="$WORK/terraformrc" TF_INPUT=0 CHECKPOINT_DISABLE=1

echo "terraform fmt -check -recursive examples/"
"$TERRAFORM" fmt -check -recursive -diff examples/

failed=0
for dir in "${dirs[@]}"; do
  copy="$WORK/validate/$dir"
  mkdir -p "$copy"
  cp "$dir"/*.tf "$copy/"
  # Resource and data-source examples are snippets for the docs: give them the provider's source
  # address (the full examples declare it themselves).
  if ! grep -q required_providers "$copy"/*.tf; then
    printf 'terraform {\n  required_providers {\n    novita = { source = "novitalabs/novita" }\n  }\n}\n' \
      >"$copy/zz_required_providers.tf"
  fi
  if out=$(cd "$copy" && "$TERRAFORM" validate -no-color 2>&1); then
    echo "ok      $dir"
  else
    echo "FAILED  $dir"
    # Show the errors, not the expected "development overrides" warning before them.
    sed -n '/Error:/,$p' <<<"$out" | sed 's/^/        /'
    failed=1
  fi
done
exit "$failed"
