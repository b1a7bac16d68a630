#!/usr/bin/env bash
# make demo: the quickstart (examples/quickstart) end to end against a local Novita emulator.
#
# Builds the provider and the emulator into a temporary directory, starts the emulator on a free
# loopback port, points Terraform at the local provider build (dev_overrides, no registry download),
# applies the quickstart, shows its outputs, proves that a second plan has nothing to change, and
# destroys everything. Plans go to log files in the working directory and only their summary is
# shown (the full plan repeats the ComfyUI workflow); the applies show Terraform's progress. The
# emulator is stopped and the temporary directory removed on every exit, including failures and
# Ctrl-C. No Novita account and no network access are needed.
#
# Environment: NOVITA_DEMO_SPEED (job speed-up of the emulator's simulated workers, default 20),
# NOVITA_DEMO_CREATE_DELAY (how long endpoints stay "creating", default 3s),
# NOVITA_DEMO_KEEP=1 (keep the working directory, with the full plans, for a look afterwards).
set -euo pipefail
export GOTOOLCHAIN=${GOTOOLCHAIN:-local}

ROOT=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=scripts/emulator-lib.sh
. "$ROOT/scripts/emulator-lib.sh"
SPEED=${NOVITA_DEMO_SPEED:-20}
CREATE_DELAY=${NOVITA_DEMO_CREATE_DELAY:-3s}
STEPS=7
START=$SECONDS

# Colour only on a terminal: piped or in CI, the output is plain text (Terraform's too).
bold=$'\e[1m' green=$'\e[32m' red=$'\e[31m' reset=$'\e[0m'
color=()
if [[ ! -t 1 ]]; then bold='' green='' red='' reset='' color=(-no-color); fi

step_no=0
step() {
  step_no=$((step_no + 1))
  echo
  echo "${bold}==> [$step_no/$STEPS] $1${reset}"
  shift
  local line
  for line in "$@"; do echo "    $line"; done
}

# quiet LOG CMD... runs CMD with its output in LOG (in the current directory), and shows the log
# only when CMD fails.
quiet() {
  local log=$1
  shift
  if ! "$@" >"$log" 2>&1; then
    sed 's/^/      /' "$log"
    return 1
  fi
}

# plan_summary LOG prints what a saved plan will do: one line per resource, and the totals.
plan_summary() {
  sed -En -e 's/^  # (.* (will|must) be .*)$/      \1/p' -e 's/^(Plan: .*)$/    \1/p' "$1"
}

WORK=$(mktemp -d "${TMPDIR:-/tmp}/novita-demo.XXXXXX")
EMULATOR_PID=""

cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $EMULATOR_PID ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 ]]; then
    echo
    echo "${red}${bold}The demo failed (exit code $rc).${reset}"
    if [[ -s $WORK/emulator.log ]]; then
      echo "Last lines of the emulator's log:"
      tail -n 20 "$WORK/emulator.log" | sed 's/^/    /'
    fi
  fi
  if [[ ${NOVITA_DEMO_KEEP:-} == 1 ]]; then
    echo "Working directory kept: $WORK"
  else
    rm -rf "$WORK"
  fi
  exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cd "$ROOT"

step "Checking the tools" \
  "The demo needs Go (to build the provider and the emulator) and Terraform 1.11 or newer."
command -v go >/dev/null || { echo "Go is not installed: see README.md, Prerequisites." >&2; exit 1; }
TERRAFORM=$("$ROOT/scripts/install-tools.sh" terraform)
echo "    $(go version)"
echo "    $("$TERRAFORM" version 2>/dev/null | sed -n 1p) ($TERRAFORM)"

step "Building the provider and the Novita emulator" \
  "Compiling this repository into $WORK/bin (the first build takes a minute or two)."
mkdir -p "$WORK/bin"
go build -o "$WORK/bin/" . ./cmd/novita-emulator
ls "$WORK/bin" | sed 's/^/    built: /'

step "Starting the Novita emulator" \
  "An in-memory imitation of Novita's API on this machine: endpoints, storage, registry credentials," \
  "a job gateway and simulated GPU workers. Nothing leaves this machine and nothing is billed." \
  "Simulated workers run ${SPEED}x faster than real ones; endpoints take $CREATE_DELAY to start."
start_emulator "$WORK/bin/novita-emulator" "$WORK" -speed "$SPEED" -create-delay "$CREATE_DELAY" -prewarm-time 2s
echo "    listening on $NOVITA_BASE_URL (process $EMULATOR_PID)"
echo "    the provider reads these, exactly as it would read your real settings:"
echo "      NOVITA_BASE_URL=$NOVITA_BASE_URL"
echo "      NOVITA_ASYNC_BASE_URL=$NOVITA_ASYNC_BASE_URL"
echo "      NOVITA_API_KEY=$NOVITA_API_KEY (the emulator's key, not a real one)"

step "Preparing a Terraform working directory" \
  "Copying examples/quickstart to $WORK/quickstart, and telling Terraform to use the provider" \
  "just built instead of downloading one (a private CLI config with dev_overrides)."
cat >"$WORK/terraformrc" <<CONFIG
provider_installation {
  dev_overrides {
    "novitalabs/novita" = "$WORK/bin"
  }
  direct {}
}
CONFIG
export TF_CLI_CONFIG_FILE="$WORK/terraformrc"
export TF_INPUT=0 CHECKPOINT_DISABLE=1
mkdir -p "$WORK/quickstart"
cp "$ROOT"/examples/quickstart/*.tf "$WORK/quickstart/"
cd "$WORK/quickstart"
# The demo fills in the optional settings so that every part of the quickstart is exercised:
# a bucket for the images (the secret goes through the write-only secret_env_wo) and the
# registry credential (created only when use_registry_credential is true). Against the real Novita
# you would set these to your own values.
export TF_VAR_bucket_name=demo-bucket
export TF_VAR_bucket_access_key_id=DEMOACCESSKEY
export TF_VAR_bucket_secret_access_key=demo-secret-never-in-state
export TF_VAR_use_registry_credential=true
echo "    (Terraform prints a warning about development overrides: that is expected here.)"

step "terraform apply: creating the quickstart" \
  "A registry credential, 10 GB of cloud storage, an async ComfyUI endpoint on RTX 4090 workers" \
  "(it waits until the endpoint is running), then a smoke-test job that must complete." \
  "The plan is summarised here (NOVITA_DEMO_KEEP=1 keeps the full plan.log); the apply runs it."
quiet plan.log "$TERRAFORM" plan -no-color -compact-warnings -out=first.tfplan
plan_summary plan.log
if grep -q "Check block assertion known after apply" plan.log; then
  echo "    The plan warns \"Check block assertion known after apply\": the health check reads an endpoint"
  echo "    that this apply creates, so it runs after the apply (and at every later plan). Expected."
fi
"$TERRAFORM" apply "${color[@]}" -compact-warnings first.tfplan

echo
echo "    ${bold}What was built:${reset}"
echo "      the endpoint takes jobs at  $NOVITA_ASYNC_BASE_URL/$("$TERRAFORM" output -raw endpoint_name)/run"
echo "      the smoke-test job ended    $("$TERRAFORM" output -raw job_status)"
echo "      it waited for its worker    $("$TERRAFORM" output -raw job_delay_time_ms) ms (a cold start, 5x shorter with the image prewarmed)"
echo "      it ran for                  $("$TERRAFORM" output -raw job_execution_time_ms) ms of simulated time (the emulator's"
echo "                                  workers run ${SPEED}x faster than real time, so it took less)"
echo "      its images were uploaded to $("$TERRAFORM" output -json image_urls)"
if grep -q demo-secret-never-in-state terraform.tfstate; then
  echo "${red}The bucket secret was found in the state file.${reset}" >&2
  exit 1
fi
echo "    The bucket secret and the registry password are not in terraform.tfstate (write-only)."

step "terraform plan: checking that nothing drifts" \
  "A second plan right after the apply must find nothing to change."
set +e
"$TERRAFORM" plan -no-color -detailed-exitcode -compact-warnings -out=second.tfplan >second.log 2>&1
plan_rc=$?
set -e
case $plan_rc in
  0) ;;
  2)
    # Terraform always plans to re-read the data sources of check blocks during the apply, and
    # counts that as a change; anything else is a real difference.
    echo "    Terraform reports planned actions; checking that they are only the health check's re-read:"
    if ! "$TERRAFORM" show -json second.tfplan | go run "$ROOT/scripts/plancheck.go" | sed 's/^/      /'; then
      sed 's/^/      /' second.log
      echo "${red}The second plan wants changes: the provider has a perpetual diff.${reset}" >&2
      exit 1
    fi
    ;;
  *)
    sed 's/^/      /' second.log
    echo "${red}terraform plan failed.${reset}" >&2
    exit 1
    ;;
esac
echo "    ${green}No changes: the infrastructure matches the configuration.${reset}"

step "terraform destroy: removing everything" \
  "Deleting the job, the endpoint, the storage and the credential."
quiet destroy.log "$TERRAFORM" plan -destroy -no-color -compact-warnings -out=destroy.tfplan
plan_summary destroy.log
"$TERRAFORM" apply "${color[@]}" -compact-warnings destroy.tfplan

echo
echo "${green}${bold}Demo finished in $((SECONDS - START)) s.${reset} To run the same configuration against Novita:"
echo "    cd examples/quickstart && export NOVITA_API_KEY=sk_... && terraform init && terraform apply"
echo "    (before the provider is on the Terraform Registry: run make dev-config and the export line it"
echo "    prints, then skip terraform init; see README.md, Use it with Novita)"
