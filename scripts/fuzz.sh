#!/usr/bin/env bash
# Fuzz every cargo-fuzz target of fuzz/ for a while: scripts/fuzz.sh [seconds-per-target] (default 20).
#
# Installs cargo-fuzz if it is missing, builds all targets once (release, AddressSanitizer; without a
# sanitizer if the ASan build or runtime does not work here), then runs each target in turn on its
# committed seed corpus (fuzz/corpus/<target>/, read only: new inputs go to a temporary directory)
# and prints executions, executions per second and whether it crashed. Inputs that once crashed,
# fuzz/regressions/<target>-*.bin, are replayed before each run. Crash inputs are kept in
# fuzz/artifacts/<target>/. Exits non-zero if any target crashed (panic, timeout, out of memory).
#
# The toolchain is stable: cargo-fuzz's nightly flags are accepted with RUSTC_BOOTSTRAP=1. Builds
# use at most 2 jobs (CARGO_BUILD_JOBS, lowered if set higher); the targets run one at a time.
set -euo pipefail
cd "$(dirname "$0")/.."

SECONDS_PER_TARGET="${1:-20}"
if ! [[ "$SECONDS_PER_TARGET" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: scripts/fuzz.sh [seconds-per-target]" >&2
  exit 2
fi
TARGETS=(decode_header verify_payment select_requirements typed_data route_matching path_views solana_transaction)

export RUSTC_BOOTSTRAP=1
jobs="${CARGO_BUILD_JOBS:-2}"
[[ "$jobs" =~ ^[12]$ ]] || jobs=2
export CARGO_BUILD_JOBS="$jobs"

step() { printf '\n==> %s\n' "$*"; }

step "cargo-fuzz"
if ! cargo fuzz --version >/dev/null 2>&1; then
  cargo install cargo-fuzz --locked || cargo install cargo-fuzz
fi
cargo fuzz --version

host="$(rustc -vV | sed -n 's/^host: //p')"
bin_dir="fuzz/target/$host/release"

# Builds all targets with the given sanitizer and checks that one of them starts.
build() {
  local started=$SECONDS
  (cd fuzz && cargo fuzz build -O -s "$1") || return 1
  echo "build (-s $1): $((SECONDS - started)) s"
  "$bin_dir/${TARGETS[0]}" -runs=0 >/dev/null 2>&1 || { echo "a -s $1 binary does not run here" >&2; return 1; }
}

step "build all targets (release, AddressSanitizer)"
sanitizer=address
if ! build address; then
  step "AddressSanitizer unavailable on this toolchain: building without a sanitizer"
  sanitizer=none
  build none
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

failed=0
summary=()
for target in "${TARGETS[@]}"; do
  step "fuzz $target for ${SECONDS_PER_TARGET} s"
  mkdir -p "$work/$target" "fuzz/artifacts/$target"
  log="$work/$target.log"
  dict=()
  [[ -f fuzz/x402.dict ]] && dict=(-dict=fuzz/x402.dict)
  status=0
  # Inputs that once crashed (fuzz/regressions/<target>-*.bin) are replayed first.
  regressions=(fuzz/regressions/"$target"-*.bin)
  if [[ -e "${regressions[0]}" ]]; then
    "$bin_dir/$target" "${regressions[@]}" >"$work/$target.replay.log" 2>&1 || {
      failed=1
      echo "--- $target: a regression input crashes again:"
      grep -B1 -A1 "panicked at" "$work/$target.replay.log" | head -3 | cut -c1-300 || tail -n 8 "$work/$target.replay.log"
      summary+=("$(printf '%-20s regression replay FAILED (%s)' "$target" "${regressions[*]}")")
    }
  fi
  # New inputs go to the empty first directory; the committed corpus (second) is only read.
  "$bin_dir/$target" "$work/$target" "fuzz/corpus/$target" \
    -max_total_time="$SECONDS_PER_TARGET" -timeout=10 -rss_limit_mb=2048 \
    -print_final_stats=1 -artifact_prefix="fuzz/artifacts/$target/" "${dict[@]}" \
    >"$log" 2>&1 || status=$?

  execs="$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)"
  rate="$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)"
  artifact="$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)"
  if [[ $status -eq 0 && -z "$artifact" ]]; then
    result="ok"
  else
    failed=1
    kind="crash"
    grep -q "libFuzzer: timeout" "$log" && kind="timeout"
    grep -q "libFuzzer: out-of-memory" "$log" && kind="out-of-memory"
    result="$kind (exit $status) ${artifact:-no artifact written}"
    echo "--- $target: $kind; log tail:"
    grep -A1 "panicked at" "$log" | head -2 | cut -c1-300 || true
    grep -E "ERROR: libFuzzer|^SUMMARY" "$log" | head -2 || true
    tail -n 8 "$log"
  fi
  line="$(printf '%-20s execs %-10s exec/s %-8s %s' "$target" "${execs:-?}" "${rate:-?}" "$result")"
  echo "$line"
  summary+=("$line")
done

step "summary (sanitizer: $sanitizer, ${SECONDS_PER_TARGET} s per target)"
printf '%s\n' "${summary[@]}"
if [[ $failed -ne 0 ]]; then
  echo "FAILED: crash inputs are in fuzz/artifacts/<target>/; reproduce with $bin_dir/<target> <file>" >&2
  exit 1
fi
echo "no crashes"
