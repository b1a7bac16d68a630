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

# validate DIR TF ALL: validates DIR's example files with TF; the files that need Terraform 1.12+
# only when ALL is 1.
validate() {
  local dir=$1 tf=$2 all=$3 copy="$WORK/validate/$2/$1" f out
  mkdir -p "$copy"
  for f in "$dir"/*.tf "$dir"/*.tfquery.hcl; do
    [[ -e $f ]] || continue
    if [[ $all == 1 ]] || ! needs_tf115 "$f"; then cp "$f" "$copy/"; fi
  done
  # Resource and data-source examples are snippets for the docs: give them the provider's source
  # address (the full examples declare it themselves).
  if ! grep -qs required_providers "$copy"/*.tf; then
    printf 'terraform {\n  required_providers {\n    novita = { source = "novitalabs/novita" }\n  }\n}\n' \
      >"$copy/zz_required_providers.tf"
  fi
  local flags=(-no-color)
  if compgen -G "$copy/*.tfquery.hcl" >/dev/null; then flags+=(-query); fi
  if out=$(cd "$copy" && "$tf" validate "${flags[@]}" 2>&1); then
    echo "ok      $dir ($("$tf" version | sed -n 1p))"
  else
    echo "FAILED  $dir ($("$tf" version | sed -n 1p))"
    # Show the errors, not the expected "development overrides" warning before them.
    sed -n '/Error:/,$p' <<<"$out" | sed 's/^/        /'
    failed=1
  fi
}

failed=0
for dir in "${dirs[@]}"; do
  newer=0 older=0
  for f in "$dir"/*.tf "$dir"/*.tfquery.hcl; do
    [[ -e $f ]] || continue
    if needs_tf115 "$f"; then newer=1; else older=1; fi
  done
  # What runs on Terraform 1.11 is validated with it; files of newer features with 1.15.9.
  if [[ $older == 1 && $dir != examples/guides/* ]]; then validate "$dir" "$TERRAFORM" 0; fi
  if [[ $newer == 1 ]]; then validate "$dir" "$TF115" 1; fi
done
exit "$failed"
