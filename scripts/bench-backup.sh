#!/usr/bin/env bash
# Backup benchmark: `mamoru backup` beside restic on the same data, in one run, as issue 7 asks:
# first backup, incremental backup after 1 % of the files changed, full restore, and a full
# data check (restic check --read-data / mamoru backup verify --read-data-subset 100%).
# Prints wall time and peak memory of each step and the ratio restic/mamoru (above 1: Mamoru
# is faster or smaller).
#
#   scripts/bench-backup.sh                    # about 2 GB of mixed files, release build
#   SIZE_MB=200 scripts/bench-backup.sh        # a quicker look
#   MAMORU=target/debug/mamoru SIZE_MB=20 scripts/bench-backup.sh   # check the script itself
#   RUNS=5 SIZE_MB=1024 scripts/bench-backup.sh   # on a busy machine: medians of 5 runs
#
# The data is half random (like compressed images) and half text (like records and logs), in
# files of 64 KiB to 8 MiB, written once under $WORK (kept between runs, so the next run skips
# generating it). Repositories and restores go under $WORK too; the page cache is warm for both
# tools alike; with RUNS above 1 the tools take turns and the table shows each figure's median
# (the ratios are those of the medians). Debian's restic (apt-get install restic) or RESTIC=/path;
# its cache goes under $WORK too and is deleted with the repositories.
set -euo pipefail
cd "$(dirname "$0")/.."
export LC_ALL=C

SIZE_MB=${SIZE_MB:-2048}
WORK=${WORK:-${TMPDIR:-/tmp}/mamoru-bench-backup}
RESTIC=${RESTIC:-$(command -v restic || true)}
MAMORU=${MAMORU:-}
RUNS=${RUNS:-1}
[ -n "$RESTIC" ] || { echo "restic not found: apt-get install restic, or set RESTIC=/path" >&2; exit 2; }
[ -x /usr/bin/time ] || { echo "/usr/bin/time not found: apt-get install time" >&2; exit 2; }
if [ -z "$MAMORU" ]; then
  cargo build --release --locked -p mamoru-cli >&2
  MAMORU=target/release/mamoru
fi

export MAMORU_BACKUP_PASSWORD=bench-password RESTIC_PASSWORD=bench-password RESTIC_CACHE_DIR="$WORK/restic-cache"
data="$WORK/data-$SIZE_MB"
if [ ! -f "$data/.complete" ]; then
  echo "writing $SIZE_MB MB of test data to $data" >&2
  rm -rf "$data" && mkdir -p "$data"
  python3 - "$data" "$SIZE_MB" <<'PY'
import os, random, sys
root, total = sys.argv[1], int(sys.argv[2]) * 1024 * 1024
rng = random.Random(7)
line = "2026-11-25 09:00:00 患者ID {:06d} 外来 内科 受付 処方 検査 結果 異常なし\n"
written, i = 0, 0
while written < total:
    size = min(rng.choice([64, 256, 1024, 4096, 8192]) * 1024, total - written)
    folder = os.path.join(root, f"d{i // 100:03d}")
    os.makedirs(folder, exist_ok=True)
    with open(os.path.join(folder, f"f{i:05d}.bin" if i % 2 else f"f{i:05d}.txt"), "wb") as f:
        if i % 2:
            f.write(os.urandom(size))
        else:
            text = "".join(line.format(rng.randrange(10**6)) for _ in range(size // 80 + 1)).encode()
            f.write(text[:size])
    written += size
    i += 1
PY
  touch "$data/.complete"
fi
files=$(find "$data" -type f ! -name .complete | wc -l)

# Runs a command, prints "seconds max_rss_kb".
measure() {
  local out
  out=$(mktemp)
  /usr/bin/time -f "%e %M" -o "$out" "$@" >/dev/null 2>"$out.err" || { cat "$out.err" >&2; rm -f "$out" "$out.err"; exit 1; }
  cat "$out"
  rm -f "$out" "$out.err"
}

# Changes 1 % of the files (appends to text files, rewrites random ones), the same way for both.
touch_one_percent() {
  find "$data" -type f ! -name .complete | sort | awk 'NR % 100 == 0' | while read -r f; do
    case "$f" in
      *.txt) echo "追記 $(date +%s%N)" >>"$f" ;;
      *) head -c "$(stat -c %s "$f")" /dev/urandom >"$f.new" && mv "$f.new" "$f" ;;
    esac
  done
}

declare -A T M
run_tool() {
  local tool=$1 n=$2 repo="$WORK/repo-$1" target="$WORK/restore-$1"
  rm -rf "$repo" "$target" "$RESTIC_CACHE_DIR"
  if [ "$tool" = restic ]; then
    "$RESTIC" -q init -r "$repo" >/dev/null
    read -r T[$tool.first.$n] M[$tool.first.$n] < <(measure "$RESTIC" -q -r "$repo" backup "$data")
    touch_one_percent
    read -r T[$tool.incr.$n] M[$tool.incr.$n] < <(measure "$RESTIC" -q -r "$repo" backup "$data")
    read -r T[$tool.restore.$n] M[$tool.restore.$n] < <(measure "$RESTIC" -q -r "$repo" restore latest --target "$target")
    read -r T[$tool.check.$n] M[$tool.check.$n] < <(measure "$RESTIC" -q -r "$repo" check --read-data)
  else
    "$MAMORU" backup init --repo "$repo" >/dev/null
    local state="$WORK/guard-state.json"
    rm -f "$state"
    read -r T[$tool.first.$n] M[$tool.first.$n] < <(measure "$MAMORU" backup run --repo "$repo" --state "$state" "$data")
    touch_one_percent
    read -r T[$tool.incr.$n] M[$tool.incr.$n] < <(measure "$MAMORU" backup run --repo "$repo" --state "$state" "$data")
    read -r T[$tool.restore.$n] M[$tool.restore.$n] < <(measure "$MAMORU" backup restore --repo "$repo" latest --target "$target")
    read -r T[$tool.check.$n] M[$tool.check.$n] < <(measure "$MAMORU" backup verify --repo "$repo" --read-data-subset 100%)
  fi
  rm -rf "$target" "$repo" "$RESTIC_CACHE_DIR"
}

# The median of the arguments.
median() {
  printf '%s\n' "$@" | sort -g | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2) }'
}

echo "data: $SIZE_MB MB in $files files; restic $("$RESTIC" version | awk '{print $2}'); mamoru $MAMORU" >&2
for n in $(seq "$RUNS"); do
  run_tool restic "$n"
  run_tool mamoru "$n"
done
printf '%-34s %10s %10s %8s %12s %12s %8s\n' step "restic s" "mamoru s" "ratio" "restic MB" "mamoru MB" "ratio"
for step in first incr restore check; do
  case $step in
    first) name="first backup" ;;
    incr) name="incremental (1 % of files changed)" ;;
    restore) name="full restore" ;;
    check) name="read and check every pack" ;;
  esac
  declare -A med=()
  for key in restic mamoru; do
    times=() mems=()
    for n in $(seq "$RUNS"); do
      times+=("${T[$key.$step.$n]}")
      mems+=("${M[$key.$step.$n]}")
    done
    med[$key.t]=$(median "${times[@]}")
    med[$key.m]=$(median "${mems[@]}")
  done
  awk -v n="$name" -v rt="${med[restic.t]}" -v mt="${med[mamoru.t]}" -v rm="${med[restic.m]}" -v mm="${med[mamoru.m]}" \
    'BEGIN { printf "%-34s %10.2f %10.2f %7.2fx %12.0f %12.0f %7.2fx\n", n, rt, mt, (mt > 0 ? rt / mt : 0), rm / 1024, mm / 1024, (mm > 0 ? rm / mm : 0) }'
done
echo "ratio: restic / mamoru (time: above 1 means Mamoru is faster; memory: above 1 means Mamoru uses less)"
[ "$RUNS" -gt 1 ] && echo "medians of $RUNS runs; seconds per run:" && for step in first incr restore check; do
  for key in restic mamoru; do
    row=""
    for n in $(seq "$RUNS"); do row+=" ${T[$key.$step.$n]}"; done
    printf '  %-8s %-7s%s\n' "$step" "$key" "$row"
  done
done
exit 0
