#!/usr/bin/env bash
# Benchmark: `swarmlab create` against `transmission-create` on the same 1 GiB file, run back to
# back (alternating, several rounds) with the file in the page cache and the same 1 MiB pieces.
# Prints each wall time and the ratio swarmlab / transmission of the medians (below 1: faster).
# Not part of the test suite.
#
#   bench/create_vs_transmission.sh [rounds]      (SWARMLAB=build/swarmlab, SIZE_MIB=1024)
set -euo pipefail
cd "$(dirname "$0")/.."

rounds=${1:-3}
swarmlab=${SWARMLAB:-build/swarmlab}
size_mib=${SIZE_MIB:-1024}
command -v transmission-create > /dev/null || { echo "transmission-create is not installed" >&2; exit 2; }
[ -x "$swarmlab" ] || { echo "$swarmlab is missing: run scripts/build first" >&2; exit 2; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
data="$work/data.bin"
echo "writing ${size_mib} MiB of random data to $data"
head -c $((size_mib * 1024 * 1024)) /dev/urandom > "$data"
cat "$data" > /dev/null  # into the page cache, so both tools read from memory

now() { date +%s.%N; }
elapsed() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }
divide() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a / b }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

: > "$work/transmission.times"
: > "$work/swarmlab.times"
for round in $(seq 1 "$rounds"); do
  start=$(now)
  transmission-create -o "$work/t.torrent" -s 1024 "$data" > /dev/null 2>&1
  t=$(elapsed "$start" "$(now)")
  start=$(now)
  "$swarmlab" create "$data" -o "$work/s.torrent" --piece-length 1048576 --no-date > /dev/null
  s=$(elapsed "$start" "$(now)")
  echo "$t" >> "$work/transmission.times"
  echo "$s" >> "$work/swarmlab.times"
  printf 'round %d: transmission-create %.3f s, swarmlab create %.3f s\n' "$round" "$t" "$s"
  rm -f "$work/t.torrent" "$work/s.torrent"
done

t_median=$(median < "$work/transmission.times")
s_median=$(median < "$work/swarmlab.times")
printf 'median: transmission-create %.3f s (%.0f MiB/s), swarmlab create %.3f s (%.0f MiB/s)\n' \
  "$t_median" "$(divide "$size_mib" "$t_median")" "$s_median" "$(divide "$size_mib" "$s_median")"
printf 'ratio swarmlab/transmission: %.2f (cores: %s)\n' "$(divide "$s_median" "$t_median")" "$(nproc)"
