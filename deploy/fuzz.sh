#!/usr/bin/env bash
# Fuzzes Vantage's parsers with libFuzzer: the frame decoder, envelope verification, delta merge,
# and the JSON Lines readers (Sources/VantageFuzz).
#   deploy/fuzz.sh [SECONDS] [TARGET...]      (default: 30 seconds each, every target)
# Builds `vantage-fuzz` with -sanitize=fuzzer,address in .build/fuzz, starts from the committed
# seeds in Tests/Fuzz/corpus/TARGET, and keeps what it finds in .build/fuzz/corpus/TARGET.
# A crash leaves .build/fuzz/crash-TARGET-* and fails the script; replay one with
#   swift run vantage-fuzz TARGET .build/fuzz/crash-TARGET-…
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-30}
shift || true
targets=("$@")
[ ${#targets[@]} -eq 0 ] && targets=(frame envelope delta jsonl)
swift build -c release --scratch-path .build/fuzz -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING --product vantage-fuzz
status=0
for target in "${targets[@]}"; do
  mkdir -p ".build/fuzz/corpus/$target"
  echo "== $target: $seconds s"
  # LeakSanitizer is off: the Swift runtime's metadata caches and our static seed ledger live until exit.
  ASAN_OPTIONS=detect_leaks=0 VANTAGE_FUZZ_TARGET=$target .build/fuzz/release/vantage-fuzz \
    -max_total_time="$seconds" -print_final_stats=1 -rss_limit_mb=2048 -max_len=65536 \
    -artifact_prefix=".build/fuzz/crash-$target-" ".build/fuzz/corpus/$target" "Tests/Fuzz/corpus/$target" \
    2>&1 | grep -E "stat::number_of_executed_units|stat::peak_rss_mb|ERROR|SUMMARY|Test unit written|Done [0-9]+ runs" || true
  if ls .build/fuzz/crash-"$target"-* >/dev/null 2>&1; then echo "== $target: CRASH, see .build/fuzz/crash-$target-*"; status=1; fi
done
exit $status
