#!/usr/bin/env bash
# The guide "Bringing console-made endpoints under Terraform" (templates/guides/console-import.md.tmpl)
# end to end against a local emulator, with Terraform 1.14+ ($TERRAFORM; make test-tf115 passes the
# 1.15.9 build): objects are made outside Terraform (plain HTTP, as the console does), then the
# guide's files and commands find them (terraform query), generate their configuration, review it
# (the secrets a query cannot return), import them with a plan that changes nothing, and run the
# novita_endpoint_invoke action with -invoke. Fails on any secret value in generated configuration.
set -euo pipefail
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}
ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/emulator-lib.sh
. "$ROOT/scripts/emulator-lib.sh"
TERRAFORM=${TERRAFORM:-$("$ROOT/scripts/install-tools.sh" terraform-1.15)}
GUIDE=$ROOT/examples/guides/console-import

WORK=$(mktemp -d "${TMPDIR:-/tmp}/novita-guide.XXXXXX")
EMULATOR_PID=""
cleanup() {
  local rc=$?
  [[ -n $EMULATOR_PID ]] && kill "$EMULATOR_PID" 2>/dev/null && wait "$EMULATOR_PID" 2>/dev/null
  if [[ $rc -ne 0 && -s $WORK/emulator.log ]]; then
    echo "test-import-guide failed (exit $rc); last lines of the emulator's log:" >&2
    tail -n 20 "$WORK/emulator.log" >&2
  fi
  rm -rf "$WORK"
  exit "$rc"
}
trap cleanup EXIT
fail() { echo "test-import-guide: $*" >&2; exit 1; }

echo "== build the provider and the emulator"
(cd "$ROOT" && go build -o "$WORK/bin/" . ./cmd/novita-emulator)
start_emulator "$WORK/bin/novita-emulator" "$WORK" -create-delay 0s -update-delay 0s -delete-delay 0s -speed 20
printf 'provider_installation {\n  dev_overrides {\n    "novitalabs/novita" = "%s"\n  }\n  direct {}\n}\n' "$WORK/bin" >"$WORK/terraformrc"
export TF_CLI_CONFIG_FILE="$WORK/terraformrc" TF_INPUT=0 CHECKPOINT_DISABLE=1

# api METHOD PATH [JSON]: one call to the emulator's management API, as the console makes it.
api() {
  curl -fsS -X "$1" -H "Authorization: Bearer $NOVITA_API_KEY" -H 'Content-Type: application/json' \
    ${3:+--data "$3"} "$NOVITA_BASE_URL$2"
}
V1=/gpu-instance/openapi/v1
REGISTRY_PASSWORD=console-registry-password-1
HF_TOKEN=hf_console_secret_token

echo "== made in the console: 2 endpoints, 1 cloud storage, 1 registry credential"
cluster=$(api GET "$V1/clusters" | jq -r '[.data[] | select(.supportNetworkStorage)][0].id')
product=$(api GET '/gpus/v2/products?type=gpu&category=serverless' | jq -r '[.data[] | select(.deployable and (.name | contains("4090")))][0].id')
api POST "$V1/networkstorage/create" "{\"clusterId\":\"$cluster\",\"storageName\":\"console-models\",\"storageSize\":50}" >/dev/null
api POST "$V1/repository/auth/save" "{\"name\":\"console-hub\",\"username\":\"robot\",\"password\":\"$REGISTRY_PASSWORD\"}" >/dev/null
endpoint() { # endpoint APP ENVS_JSON
  api POST /gpus/v2/endpoints "{\"type\":\"async\",\"app_name\":\"$1\",\"name\":\"$1\",\"product_id\":\"$product\",
    \"image\":\"novitalabs/echo-worker:v1\",\"worker_config\":{\"min_replicas\":0,\"max_replicas\":1,\"idle_timeout\":60,
    \"max_concurrent_per_worker\":1,\"gpu_num\":1},\"policy\":{\"type\":\"queue\",\"value\":30},\"ports\":[8080],
    \"volumes\":[],\"envs\":$2}" >/dev/null
}
endpoint console-plain '[]'
endpoint console-secret "[{\"key\":\"MODE\",\"value\":\"fast\"},{\"key\":\"HF_TOKEN\",\"value\":\"$HF_TOKEN\"}]"

mkdir -p "$WORK/tf" && cp "$GUIDE/main.tf" "$GUIDE/console.tfquery.hcl" "$WORK/tf/"
cd "$WORK/tf"
export TF_VAR_registry_password=$REGISTRY_PASSWORD TF_VAR_hf_token=$HF_TOKEN

echo "== 1. query"
"$TERRAFORM" query -no-color | tee query.out
for name in console-plain console-secret console-models console-hub; do
  grep -q "$name" query.out || fail "terraform query did not list $name"
done

echo "== 2. generate"
"$TERRAFORM" query -no-color -generate-config-out=generated.tf >/dev/null
grep -c '^import {' generated.tf | grep -qx 4 || fail "generated.tf should hold 4 import blocks: $(cat generated.tf)"
if grep -F -e "$REGISTRY_PASSWORD" -e "$HF_TOKEN" generated.tf; then fail "generated.tf holds a secret value"; fi

echo "== 3. review: the secrets a query cannot return"
cat >>main.tf <<'HCL'

variable "hf_token" {
  type      = string
  sensitive = true
  ephemeral = true
}
HCL
sed -i -E -e '/^  (password|env|secret_env_wo|secret_env_wo_version) *= null( # sensitive)?$/d' \
  -e 's/^  password_wo *= null( # sensitive)?$/  password_wo = var.registry_password/' \
  -e '/^  name *= "console-secret"$/a\  env = { MODE = "fast" }\n  secret_env_wo = { HF_TOKEN = var.hf_token }\n  secret_env_wo_version = 1' generated.tf
"$TERRAFORM" fmt generated.tf >/dev/null

echo "== 4. plan: imports only, and the variables of the endpoint that has some recorded in place"
"$TERRAFORM" plan -no-color | tee plan.out
grep -q 'Plan: 4 to import, 0 to add, 1 to change, 0 to destroy.' plan.out || fail "the import plan should only import, and record one endpoint's variables"
grep -A2 'will be updated in-place' plan.out | grep -q '(will be imported first)' || fail "the one change is not the import of the endpoint with variables"
[[ $(grep -c 'will be updated in-place' plan.out) == 1 ]] || fail "more than one object would change"

echo "== 5. apply, then a plan with no changes"
"$TERRAFORM" apply -no-color -auto-approve >/dev/null
# Recording the imported variables is no API call: the endpoint already has them.
if grep -E '(PUT|POST|DELETE) /(gpus/v2/endpoints|gpu-instance)' "$WORK/emulator.log" | grep -v -e 'POST /gpus/v2/endpoints 200' -e '/create 200' -e '/auth/save 200'; then
  fail "the import changed an object"
fi
"$TERRAFORM" plan -no-color -detailed-exitcode >plan2.out || fail "plan after import is not empty: $(cat plan2.out)"
if grep -rF -e "$REGISTRY_PASSWORD" -e "$HF_TOKEN" terraform.tfstate; then fail "the state holds a secret value"; fi

echo "== 6. terraform apply -invoke"
cat >smoke.tf <<'HCL'
data "novita_endpoint" "plain" {
  app_name = "console-plain"
}

action "novita_endpoint_invoke" "smoke" {
  config {
    endpoint_name = data.novita_endpoint.plain.endpoint_name
    input         = jsonencode({ hello = "guide" })
  }
}

action "novita_endpoint_invoke" "failing" {
  config {
    endpoint_name = data.novita_endpoint.plain.endpoint_name
    input         = jsonencode({ error = "no model loaded" })
  }
}
HCL
"$TERRAFORM" apply -no-color -auto-approve -invoke=action.novita_endpoint_invoke.smoke | tee invoke.out
grep -q 'ended COMPLETED' invoke.out || fail "the invoke did not report the job's end"
if "$TERRAFORM" apply -no-color -auto-approve -invoke=action.novita_endpoint_invoke.failing >failing.out 2>&1; then
  fail "an invoke whose job fails must fail"
fi
grep -q 'no model loaded' failing.out || fail "the failing invoke does not show the job's error: $(cat failing.out)"
echo "test-import-guide: OK"
