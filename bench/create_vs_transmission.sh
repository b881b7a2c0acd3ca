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

divide() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", a / b }'; }
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }

# Runs a command; appends "wall cpu" seconds (cpu = user + system, all threads) to a file.
measure() {
  local file=$1
  shift
  local TIMEFORMAT='%R %U %S'
  local times
  times=$({ time "$@" > /dev/null 2>&1; } 2>&1)
  echo "$times" | awk '{ printf "%s %.3f\n", $1, $2 + $3 }' >> "$file"
}

: > "$work/transmission.times"
: > "$work/swarmlab.times"
for round in $(seq 1 "$rounds"); do
  measure "$work/transmission.times" transmission-create -o "$work/t.torrent" -s 1024 "$data"
  measure "$work/swarmlab.times" "$swarmlab" create "$data" -o "$work/s.torrent" \
    --piece-length 1048576 --no-date
  read -r t t_cpu < <(tail -1 "$work/transmission.times")
  read -r s s_cpu < <(tail -1 "$work/swarmlab.times")
  printf 'round %d: transmission-create %.3f s (CPU %.3f s), swarmlab create %.3f s (CPU %.3f s)\n' \
    "$round" "$t" "$t_cpu" "$s" "$s_cpu"
  rm -f "$work/t.torrent" "$work/s.torrent"
done

t_median=$(cut -d' ' -f1 "$work/transmission.times" | median)
s_median=$(cut -d' ' -f1 "$work/swarmlab.times" | median)
t_cpu=$(cut -d' ' -f2 "$work/transmission.times" | median)
s_cpu=$(cut -d' ' -f2 "$work/swarmlab.times" | median)
printf 'median wall: transmission-create %.3f s (%.0f MiB/s), swarmlab create %.3f s (%.0f MiB/s)\n' \
  "$t_median" "$(divide "$size_mib" "$t_median")" "$s_median" "$(divide "$size_mib" "$s_median")"
printf 'median CPU:  transmission-create %.3f s, swarmlab create %.3f s\n' "$t_cpu" "$s_cpu"
printf 'ratio of wall times swarmlab/transmission: %.2f (cores: %s, load average: %s)\n' \
  "$(divide "$s_median" "$t_median")" "$(nproc)" "$(cut -d' ' -f1 /proc/loadavg)"
