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
# Examples of Terraform 1.12+ (import by identity) and 1.14+ (actions, list resources, the
# console-import guide) are validated with the Terraform 1.15.9 build; the rest with $TERRAFORM.
TF115=$("$ROOT/scripts/install-tools.sh" terraform-1.15)
needs_tf115() { [[ $1 == */import-by-identity.tf || $1 == examples/actions/* || $1 == examples/list-resources/* || $1 == examples/guides/* ]]; }
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
  mapfile -t dirs < <(find examples \( -name '*.tf' -o -name '*.tfquery.hcl' \) -exec dirname {} \; | sort -u)
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

echo "terraform fmt -check -recursive examples/ (Terraform 1.15.9: it knows .tfquery.hcl and action blocks)"
"$TF115" fmt -check -recursive -diff examples/

failed=0
for dir in "${dirs[@]}"; do
  copy="$WORK/validate/$dir"
  mkdir -p "$copy"
  tf=$TERRAFORM
  for f in "$dir"/*.tf "$dir"/*.tfquery.hcl; do
    [[ -e $f ]] || continue
    if needs_tf115 "$f"; then tf=$TF115; fi
  done
  cp "$dir"/*.tf "$copy/" 2>/dev/null || true
  cp "$dir"/*.tfquery.hcl "$copy/" 2>/dev/null || true
  # Resource and data-source examples are snippets for the docs: give them the provider's source
  # address (the full examples declare it themselves).
  if ! grep -qs required_providers "$copy"/*.tf; then
    printf 'terraform {\n  required_providers {\n    novita = { source = "novitalabs/novita" }\n  }\n}\n' \
      >"$copy/zz_required_providers.tf"
  fi
  flags=(-no-color)
  if compgen -G "$copy/*.tfquery.hcl" >/dev/null; then flags+=(-query); fi
  if out=$(cd "$copy" && "$tf" validate "${flags[@]}" 2>&1); then
    echo "ok      $dir ($("$tf" version | sed -n 1p))"
  else
    echo "FAILED  $dir"
    # Show the errors, not the expected "development overrides" warning before them.
    sed -n '/Error:/,$p' <<<"$out" | sed 's/^/        /'
    failed=1
  fi
done
exit "$failed"
