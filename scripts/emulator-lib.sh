# Sourced by scripts that run the Novita emulator in the background (demo.sh,
# test-live-emulator.sh, test-examples-testing.sh): one way to start it, wait for it, point the
# provider at it, and clean up.

# start_emulator BINARY WORKDIR [FLAG...] starts the emulator on a free loopback port, waits up to
# 10 s until it listens, sets EMULATOR_PID, and exports NOVITA_BASE_URL, NOVITA_ASYNC_BASE_URL and
# NOVITA_API_KEY (the emulator's first key). Its log goes to WORKDIR/emulator.log; the caller's
# exit trap stops it.
start_emulator() {
  local bin=$1 work=$2
  shift 2
  "$bin" -port-file "$work/emulator.url" "$@" >"$work/emulator.log" 2>&1 &
  EMULATOR_PID=$!
  for _ in $(seq 1 100); do
    [[ -s $work/emulator.url ]] && break
    kill -0 "$EMULATOR_PID" 2>/dev/null || { echo "The emulator exited during start-up." >&2; return 1; }
    sleep 0.1
  done
  [[ -s $work/emulator.url ]] || { echo "The emulator did not start listening within 10 s." >&2; return 1; }
  NOVITA_BASE_URL=$(sed -n 1p "$work/emulator.url")
  export NOVITA_BASE_URL
  export NOVITA_ASYNC_BASE_URL="$NOVITA_BASE_URL/v1"
  # NOVITA_EMULATOR_API_KEY may be a list "key[=team],..."; the provider uses the first key.
  local first_key=${NOVITA_EMULATOR_API_KEY:-sk_emulator_local_key}
  first_key=${first_key%%,*}
  export NOVITA_API_KEY=${first_key%%=*}
}

# clean_up_on_exit WORKDIR: when the script ends, stop the emulator (EMULATOR_PID), show the end of
# its log if the script failed, and remove WORKDIR; Ctrl-C and TERM end the script the same way.
clean_up_on_exit() {
  CLEANUP_WORK=$1
  EMULATOR_PID=""
  trap _clean_up EXIT
  trap 'exit 130' INT
  trap 'exit 143' TERM
}

_clean_up() {
  local rc=$?
  trap - EXIT INT TERM
  if [[ -n $EMULATOR_PID ]] && kill -0 "$EMULATOR_PID" 2>/dev/null; then
    kill "$EMULATOR_PID" 2>/dev/null || true
    wait "$EMULATOR_PID" 2>/dev/null || true
  fi
  if [[ $rc -ne 0 && -s $CLEANUP_WORK/emulator.log ]]; then
    echo "Last lines of the emulator's log:" >&2
    tail -n 20 "$CLEANUP_WORK/emulator.log" | sed 's/^/    /' >&2
  fi
  rm -rf "$CLEANUP_WORK"
  exit "$rc"
}
