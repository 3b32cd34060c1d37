#!/usr/bin/env bash
# Detection benchmark: `mamoru hunt` beside Chainsaw, Hayabusa and `evtx_dump` on the same
# EVTX corpus, in one run, as issue 5 asks (warm cache, median of RUNS runs).
#
#   scripts/bench-detect.sh            # everything, 3 runs each
#   RUNS=1 BIG_COPIES=3 BIG_EVTX_COPIES=1 DENSE_COPIES=20 scripts/bench-detect.sh
#
# Part 1 times whole processes with /usr/bin/time over the corpus (Hayabusa's sample EVTX):
#   mamoru on SigmaHQ's raw rules/windows, mamoru on Hayabusa's converted rules, Chainsaw on
#   the raw rules through its mapping file, Hayabusa on its converted rules, and evtx_dump
#   (parse and print only: the lower bound of any tool that reads EVTX).
# Part 2 looks at large single inputs, where issue 5 asks for at least half of evtx_dump's
#   parse rate: (a) the largest .evtx files of the corpus one by one (a few MB each); (b) one
#   EVTX file of hundreds of MB put together from the corpus' own 64 KiB chunks (no tool here
#   writes EVTX, but chunks are self-contained, so header + chunks is a valid file); (c) a JSONL
#   file of hundreds of MB (the corpus exported by evtx_dump, repeated); (d) an EVTX file of
#   hundreds of MB made the same way from a real Security log, whose chunks are full.
#   For (b) and (d) the two tools run in turns and each pair's ratio is kept (the median is
#   shown), and both also read the file's first third: the extra events over the extra time
#   between the two sizes is each tool's throughput with its fixed costs (starting, loading
#   2,400 rules) cancelled, the rate that a file of any size approaches.
#   PARTS="2b 2d" scripts/bench-detect.sh runs only those parts.
#
# The peers are built beside the project (../shared/bench/PEERS.md); this script only runs
# their binaries. A peer whose binary is missing is skipped with a message. Every path can be
# changed through the environment variables below.
set -euo pipefail
cd "$(dirname "$0")/.."
# Decimal points, whatever the user's locale.
export LC_ALL=C

CHAINSAW=${CHAINSAW:-/work/peers/target-chainsaw/release/chainsaw}
CHAINSAW_MAPPING=${CHAINSAW_MAPPING:-/work/peers/chainsaw/mappings/sigma-event-logs-all.yml}
HAYABUSA=${HAYABUSA:-/work/peers/target-hayabusa/release/hayabusa}
# Hayabusa reads some of its files relative to its own checkout, so it runs from there.
HAYABUSA_HOME=${HAYABUSA_HOME:-/work/peers/hayabusa}
HAYABUSA_RULES=${HAYABUSA_RULES:-/work/peers/hayabusa-core-rules}
HAYABUSA_CONFIG=${HAYABUSA_CONFIG:-$HAYABUSA_HOME/rules/config}
EVTX_DUMP=${EVTX_DUMP:-/work/peers/evtx-dump/bin/evtx_dump}
CORPUS=${CORPUS:-/work/peers/hayabusa-sample-evtx}
SIGMA_RULES=${SIGMA_RULES:-$PWD/../shared/data/sigma/rules/windows}
RUNS=${RUNS:-3}
# Which parts to run (all by default), e.g. PARTS="2b 2d" for the large EVTX files alone.
PARTS=${PARTS:-1 2a 2b 2c 2d}
# Part 2: how many of the largest .evtx files, and how many copies of the corpus go into
# big.evtx (about 100 MB each) and big.jsonl (about 30 MB each).
LARGEST=${LARGEST:-3}
BIG_EVTX_COPIES=${BIG_EVTX_COPIES:-3}
BIG_COPIES=${BIG_COPIES:-10}
# Part 2d: a dense Security log and how many copies of its chunks (2 MB each).
DENSE_SOURCE=${DENSE_SOURCE:-$PWD/../shared/data/evtx/omerbenamram-evtx/samples/security.evtx}
DENSE_COPIES=${DENSE_COPIES:-140}
WORK=${BENCH_DIR:-${TMPDIR:-/tmp}/mamoru-bench}
MAMORU=$PWD/target/release/mamoru

# Results, by row name.
declare -A WALL RSS PEAK DETECTIONS RULES EVENTS SCAN_RATE PAIRED
ROWS=()

say() { printf '%s\n' "$*" >&2; }
wanted() { [[ " $PARTS " == *" $1 "* ]]; }
have() { [[ -x "$1" ]] || { say "skipped: $2 ($1 is missing; see ../shared/bench/PEERS.md)"; return 1; }; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a == "" || b == "" || b + 0 == 0) print "n/a"; else printf "%.2f", a / b }'; }

# measure ROW EVENTS CMD...: runs CMD RUNS times under /usr/bin/time; keeps the median wall
# time and the largest peak RSS. The wall time is taken by the shell in microseconds, as
# GNU time's %e has a resolution of 10 ms and evtx_dump reads a small file in less. CMD's
# stdout and stderr of the last run are kept in $WORK/ROW.out and $WORK/ROW.err.
measure() {
    local row=$1 events=$2; shift 2
    local walls=()
    PEAK[$row]=0
    for ((i = 1; i <= RUNS; i++)); do
        run_once "$row" "$@"
        walls+=("$LAST_WALL")
    done
    keep "$row" "$events" "${walls[@]}"
}

# run_once ROW CMD...: runs CMD once under /usr/bin/time; sets LAST_WALL to its wall time and
# raises PEAK[ROW] to its peak RSS (KB).
run_once() {
    local row=$1 t0 t1 k; shift
    t0=$EPOCHREALTIME
    /usr/bin/time -f '%M' -o "$WORK/time" "$@" >"$WORK/$row.out" 2>"$WORK/$row.err" || true
    t1=$EPOCHREALTIME
    # GNU time puts "Command exited with non-zero status" first when the command fails.
    k=$(tail -n 1 "$WORK/time")
    ((k > ${PEAK[$row]:-0})) && PEAK[$row]=$k
    LAST_WALL=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
}

# keep ROW EVENTS WALL...: the median wall time and the peak RSS of ROW's runs, as a row.
keep() {
    local row=$1 events=$2; shift 2
    WALL[$row]=$(printf '%s\n' "$@" | median)
    RSS[$row]=$(awk -v k="${PEAK[$row]:-0}" 'BEGIN { printf "%.0f", k / 1024 }')
    EVENTS[$row]=$events
    ROWS+=("$row")
    say "  $row: $* s, peak ${RSS[$row]} MB"
}

# The peak RSS of the evtx_dump processes themselves (not of the shell or xargs): each child
# is timed on its own and the largest is kept.
measure_children() {
    local row=$1
    local max
    max=$(grep -E '^[0-9]+$' "$WORK/children" | sort -n | tail -n 1)
    RSS[$row]=$(awk -v k="${max:-0}" 'BEGIN { printf "%.0f", k / 1024 }')
}

# Lines in a file, or n/a when the tool wrote nothing.
lines() { if [[ -s "$1" ]]; then wc -l <"$1" | tr -d ' '; else echo "n/a"; fi; }

# mamoru's own summary line: "... scanned in 0.64 s (38418 events/s), ...".
scan_rate() { grep -oE '\(([0-9]+) events/s\)' "$1" | tail -n 1 | tr -dc '0-9'; }

build() {
    say "==> building mamoru (release)"
    cargo build --release -p mamoru-cli >&2
}

warm() {
    say "==> warming the page cache (corpus and rules)"
    find "$CORPUS" "$SIGMA_RULES" "$HAYABUSA_RULES" -type f -exec cat {} + >/dev/null 2>&1 || true
}

# evtx_dump's JSONL of the corpus, one file at a time in sorted order; also the event count.
export_corpus() {
    say "==> exporting the corpus with evtx_dump (event count, JSONL input for part 2)"
    find "$CORPUS" -name '*.evtx' -print0 | sort -z |
        xargs -0 -n1 "$EVTX_DUMP" -o jsonl -t 1 >"$WORK/corpus.jsonl" 2>/dev/null || true
    CORPUS_EVENTS=$(wc -l <"$WORK/corpus.jsonl" | tr -d ' ')
    CORPUS_FILES=$(find "$CORPUS" -name '*.evtx' | wc -l | tr -d ' ')
    CORPUS_MB=$(find "$CORPUS" -name '*.evtx' -printf '%s\n' | awk '{ s += $1 } END { printf "%.1f", s / 1e6 }')
}

part1() {
    say "==> part 1: $CORPUS ($CORPUS_FILES files, $CORPUS_MB MB, $CORPUS_EVENTS events), $RUNS runs each"

    measure mamoru-sigma "$CORPUS_EVENTS" "$MAMORU" hunt "$CORPUS" --rules "$SIGMA_RULES" --format jsonl -o "$WORK/mamoru-sigma.jsonl"
    DETECTIONS[mamoru-sigma]=$(lines "$WORK/mamoru-sigma.jsonl")
    RULES[mamoru-sigma]=$(grep -oE '^[0-9]+ rules loaded' "$WORK/mamoru-sigma.err" | cut -d' ' -f1)
    SCAN_RATE[mamoru-sigma]=$(scan_rate "$WORK/mamoru-sigma.err")

    if [[ -d "$HAYABUSA_RULES" ]]; then
        # Hayabusa's converter pins Channel and EventID in every rule; they must still load here.
        "$MAMORU" rules check "$HAYABUSA_RULES" --format json >"$WORK/check.json" || true
        HAYABUSA_CHECK=$(jq -r '"\(.loaded) loaded, \(.failed | length) failed"' "$WORK/check.json")
        say "  mamoru rules check $HAYABUSA_RULES: $HAYABUSA_CHECK"
        measure mamoru-hayabusa-rules "$CORPUS_EVENTS" "$MAMORU" hunt "$CORPUS" --rules "$HAYABUSA_RULES" --format jsonl -o "$WORK/mamoru-hayabusa-rules.jsonl"
        DETECTIONS[mamoru-hayabusa-rules]=$(lines "$WORK/mamoru-hayabusa-rules.jsonl")
        RULES[mamoru-hayabusa-rules]=$(grep -oE '^[0-9]+ rules loaded' "$WORK/mamoru-hayabusa-rules.err" | cut -d' ' -f1)
        SCAN_RATE[mamoru-hayabusa-rules]=$(scan_rate "$WORK/mamoru-hayabusa-rules.err")
    else
        say "skipped: mamoru on Hayabusa's rules ($HAYABUSA_RULES is missing)"
    fi

    if have "$CHAINSAW" chainsaw; then
        # Chainsaw refuses to overwrite its output, hence the rm inside the timed command.
        measure chainsaw "$CORPUS_EVENTS" sh -c 'rm -f "$4"; exec "$1" hunt "$2" -s "$3" --mapping "$5" --jsonl -o "$4" --skip-errors' \
            sh "$CHAINSAW" "$CORPUS" "$SIGMA_RULES" "$WORK/chainsaw.jsonl" "$CHAINSAW_MAPPING"
        DETECTIONS[chainsaw]=$(lines "$WORK/chainsaw.jsonl")
        RULES[chainsaw]=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/chainsaw.err" | grep -oE 'Loaded [0-9]+ detection rules' | tr -dc '0-9')
    fi

    if have "$HAYABUSA" hayabusa; then
        measure hayabusa "$CORPUS_EVENTS" sh -c 'cd "$1" && rm -f "$5" && exec "$2" dfir-timeline -d "$3" -w -C -Q -t jsonl -r "$4" -c "$6" -o "$5"' \
            sh "$HAYABUSA_HOME" "$HAYABUSA" "$CORPUS" "$HAYABUSA_RULES" "$WORK/hayabusa.jsonl" "$HAYABUSA_CONFIG"
        DETECTIONS[hayabusa]=$(lines "$WORK/hayabusa.jsonl")
        RULES[hayabusa]=$(sed 's/\x1b\[[0-9;]*m//g' "$WORK/hayabusa.out" | grep -E '^Total detection rules' | tr -dc '0-9')
    fi

    if have "$EVTX_DUMP" evtx_dump; then
        # Two processes for two cores, one file each, as in PEERS.md; every child is timed so
        # that the RSS column is evtx_dump's, not the shell's.
        : >"$WORK/children"
        measure evtx_dump "$CORPUS_EVENTS" sh -c 'find "$1" -name "*.evtx" -print0 | xargs -0 -n1 -P2 /usr/bin/time -a -o "$3" -f %M "$2" -o jsonl -t 1 >/dev/null' \
            sh "$CORPUS" "$EVTX_DUMP" "$WORK/children"
        measure_children evtx_dump
        DETECTIONS[evtx_dump]="-"
        RULES[evtx_dump]="-"
    fi
}

print_table() {
    printf '\n%-24s %8s %10s %9s %7s %11s\n' tool "wall s" "events/s" "RSS MB" rules detections
    for row in "${ROWS[@]}"; do
        printf '%-24s %8s %10s %9s %7s %11s\n' "$row" "${WALL[$row]}" \
            "$(awk -v e="${EVENTS[$row]}" -v w="${WALL[$row]}" 'BEGIN { printf "%.0f", e / w }')" \
            "${RSS[$row]}" "${RULES[$row]:-?}" "${DETECTIONS[$row]:-?}"
    done
    [[ -n "${HAYABUSA_CHECK:-}" ]] && printf '(mamoru rules check on Hayabusa'"'"'s converted rules: %s)\n' "$HAYABUSA_CHECK"
    # The events/s column is the corpus' event count over the whole process's wall time
    # (rule loading included); mamoru's own scan-only rate is printed beside the ratios.
}

print_ratios() {
    local m=${WALL[mamoru-sigma]:-} mh=${WALL[mamoru-hayabusa-rules]:-}
    printf '\nratios (issue 5 targets: >= 8x faster than both peers, RSS <= 1/3 of Hayabusa'"'"'s)\n'
    printf '  Hayabusa wall / Mamoru wall (Hayabusa'"'"'s rules on both): %s\n' "$(ratio "${WALL[hayabusa]:-}" "$mh")"
    printf '  Hayabusa wall / Mamoru wall (Mamoru on raw SigmaHQ):      %s\n' "$(ratio "${WALL[hayabusa]:-}" "$m")"
    printf '  Chainsaw wall / Mamoru wall (raw SigmaHQ on both):        %s\n' "$(ratio "${WALL[chainsaw]:-}" "$m")"
    printf '  Mamoru RSS / Hayabusa RSS (Hayabusa'"'"'s rules on both):    %s\n' "$(ratio "${RSS[mamoru-hayabusa-rules]:-}" "${RSS[hayabusa]:-}")"
    printf '  Mamoru RSS / Hayabusa RSS (Mamoru on raw SigmaHQ):        %s\n' "$(ratio "${RSS[mamoru-sigma]:-}" "${RSS[hayabusa]:-}")"
    printf '  Mamoru events/s / evtx_dump events/s (whole process):     %s\n' "$(ratio "${WALL[evtx_dump]:-}" "$m")"
    printf '  Mamoru scan-only rate (its own summary, rules loaded):    %s events/s raw SigmaHQ, %s events/s Hayabusa'"'"'s rules\n' \
        "${SCAN_RATE[mamoru-sigma]:-?}" "${SCAN_RATE[mamoru-hayabusa-rules]:-?}"
}

# Part 2a: the largest EVTX files of the corpus, each alone. evtx_dump uses every core on one
# file (its default), as mamoru does. The corpus' largest files hold only a few thousand
# events, so mamoru's wall time there is mostly rule loading; its own scan-only rate (rules
# loaded, events read and evaluated) is shown as well.
part2_largest() {
    have "$EVTX_DUMP" evtx_dump || return 0
    say "==> part 2a: the $LARGEST largest .evtx files, one at a time"
    printf '\nPART 2a: the largest single EVTX files of the corpus (EVTX in for both tools)\n'
    printf '%-40s %5s %6s | %-24s | %-36s | %s\n' file MB events "evtx_dump s, events/s" \
        "mamoru s, events/s, scan-only ev/s" "mamoru/evtx_dump (wall, scan-only)"
    local n=0 line f size events dump_rate mamoru_rate scan dump_events=0 dump_wall=0 together
    while IFS= read -r -d '' line; do
        ((n++ < LARGEST)) || break
        f=${line#* } size=${line%% *}
        events=$("$EVTX_DUMP" -o jsonl -t 1 "$f" 2>/dev/null | wc -l | tr -d ' ')
        measure large-dump "$events" sh -c '"$1" -o jsonl "$2" >/dev/null' sh "$EVTX_DUMP" "$f"
        measure large-mamoru "$events" "$MAMORU" hunt "$f" --rules "$SIGMA_RULES" --format jsonl -o "$WORK/large.jsonl"
        dump_rate=$(awk -v e="$events" -v w="${WALL[large-dump]}" 'BEGIN { printf "%.0f", e / w }')
        mamoru_rate=$(awk -v e="$events" -v w="${WALL[large-mamoru]}" 'BEGIN { printf "%.0f", e / w }')
        scan=$(scan_rate "$WORK/large-mamoru.err")
        dump_events=$((dump_events + events))
        dump_wall=$(awk -v a="$dump_wall" -v b="${WALL[large-dump]}" 'BEGIN { print a + b }')
        printf '%-40s %5.1f %6s | %7s s %14s | %7s s %9s %16s | %s, %s\n' "$(basename "$f" | cut -c1-40)" \
            "$(awk -v s="$size" 'BEGIN { print s / 1e6 }')" "$events" "${WALL[large-dump]}" "$dump_rate" \
            "${WALL[large-mamoru]}" "$mamoru_rate" "${scan:-?}" "$(ratio "$mamoru_rate" "$dump_rate")" "$(ratio "${scan:-}" "$dump_rate")"
    done < <(find "$CORPUS" -name '*.evtx' -printf '%s %p\0' | sort -z -rn)
    together=$(awk -v e="$dump_events" -v w="$dump_wall" 'BEGIN { if (w > 0) printf "%.0f", e / w }')
    printf '  evtx_dump on these files together: %s events/s\n' "${together:-n/a}"
}

# Part 2b: one large EVTX file. An EVTX file is a 4 KiB header and 64 KiB chunks, each chunk
# self-contained (its own string and template tables), so the corpus' chunks appended after
# one header make a valid file of hundreds of MB that both tools read as EVTX.
part2_big_evtx() {
    have "$EVTX_DUMP" evtx_dump || return 0
    say "==> part 2b: big.evtx = the corpus' chunks, $BIG_EVTX_COPIES times"
    local out=$WORK/big.evtx f
    head -c 4096 "$(find "$CORPUS" -name '*.evtx' | sort | head -n 1)" >"$out"
    for ((i = 0; i < BIG_EVTX_COPIES; i++)); do
        while IFS= read -r -d '' f; do append_chunks "$f" "$out"; done < <(find "$CORPUS" -name '*.evtx' -print0 | sort -z)
    done
    first_third "$out" "$WORK/big-third.evtx"
    compare_with_dump big-evtx "$out" "PART 2b: one large EVTX file (EVTX in for both tools)" \
        "the corpus' chunks, $BIG_EVTX_COPIES times" "$WORK/big-third.evtx"
    BIG_DUMP_RATE=$DUMP_RATE
}

# Part 2d: one large EVTX file as a busy server writes it: a real Security log (the `evtx`
# crate's sample: 2 MB of logons, special privileges and audit-setting changes, every chunk full), its
# chunks repeated. Big.evtx's chunks are mostly small files' half-empty chunks, so this one
# has four times the events for the same bytes.
part2_dense_evtx() {
    have "$EVTX_DUMP" evtx_dump || return 0
    [[ -s "$DENSE_SOURCE" ]] || { say "skipped: part 2d needs $DENSE_SOURCE"; return 0; }
    say "==> part 2d: dense.evtx = $(basename "$DENSE_SOURCE")'s chunks, $DENSE_COPIES times"
    local out=$WORK/dense.evtx
    head -c 4096 "$DENSE_SOURCE" >"$out"
    for ((i = 0; i < DENSE_COPIES; i++)); do append_chunks "$DENSE_SOURCE" "$out"; done
    first_third "$out" "$WORK/dense-third.evtx"
    compare_with_dump dense-evtx "$out" "PART 2d: one large, dense EVTX file (a real Security log's chunks)" \
        "$(basename "$DENSE_SOURCE")'s chunks, $DENSE_COPIES times" "$WORK/dense-third.evtx"
}

# first_third FILE OUT: FILE's header and the first third of its chunks.
first_third() {
    local chunks
    chunks=$((($(stat -c %s "$1") - 4096) / 65536))
    head -c $((4096 + chunks / 3 * 65536)) "$1" >"$2"
}

# append_chunks FILE OUT: FILE's chunks after OUT's header, for whole files only (a header
# and whole 64 KiB chunks).
append_chunks() {
    local size
    size=$(stat -c %s "$1")
    if ((size > 4096 && (size - 4096) % 65536 == 0)) && [[ $(head -c 7 "$1") == ElfFile ]]; then
        tail -c +4097 "$1" >>"$2"
    fi
}

# compare_with_dump ROW FILE TITLE WHAT [SMALLER]: evtx_dump and mamoru hunt over one EVTX
# file; sets DUMP_RATE to evtx_dump's events per second. The two tools run in turns, so that
# each pair of runs meets the same moment of a noisy machine, and the ratios are the medians
# of the pairs' own ratios. With SMALLER (a file of the first chunks of FILE), both tools also
# run over it, and the rates between the two sizes are compared: the extra events over the
# extra time, whole processes, so that what does not grow with the file (starting up,
# loading rules) cancels out. That is the throughput the tools reach on large files.
compare_with_dump() {
    local row=$1 file=$2 title=$3 what=$4 smaller=${5:-} events mb rate scan
    events=$(count_events "$file")
    mb=$(awk -v s="$(stat -c %s "$file")" 'BEGIN { printf "%.0f", s / 1e6 }')
    paired "$row" "$file" "$events"
    DUMP_RATE=$(awk -v e="$events" -v w="${WALL[$row-dump]}" 'BEGIN { printf "%.0f", e / w }')
    rate=$(awk -v e="$events" -v w="${WALL[$row-mamoru]}" 'BEGIN { printf "%.0f", e / w }')
    scan=$(scan_rate "$WORK/$row-mamoru.err")
    printf '\n%s\n' "$title"
    printf '  %s: %s MB, %s events (%s)\n' "$(basename "$file")" "$mb" "$events" "$what"
    printf '  evtx_dump (all cores, JSONL to /dev/null): %s s, %s events/s, peak %s MB\n' \
        "${WALL[$row-dump]}" "$DUMP_RATE" "${RSS[$row-dump]}"
    printf '  mamoru hunt, raw SigmaHQ: %s s, %s events/s whole process, %s events/s scan-only, peak %s MB, %s detections\n' \
        "${WALL[$row-mamoru]}" "$rate" "${scan:-?}" "${RSS[$row-mamoru]}" "$(lines "$WORK/$row.jsonl")"
    printf '  mamoru / evtx_dump throughput, median of %s paired runs: %s whole process, %s scan-only (issue 5 target >= 0.5)\n' \
        "$RUNS" "${PAIRED[$row-whole]}" "${PAIRED[$row-scan]}"
    [[ -n "$smaller" ]] || return 0
    local small_events dump_rate mamoru_rate
    small_events=$(count_events "$smaller")
    paired "$row-smaller" "$smaller" "$small_events"
    dump_rate=$(marginal "$small_events" "${WALL[$row-smaller-dump]}" "$events" "${WALL[$row-dump]}")
    mamoru_rate=$(marginal "$small_events" "${WALL[$row-smaller-mamoru]}" "$events" "${WALL[$row-mamoru]}")
    printf '  between %s (%s events) and %s: evtx_dump %s events/s, mamoru %s events/s, ratio %s (whole processes, fixed costs cancelled)\n' \
        "$(basename "$smaller")" "$small_events" "$(basename "$file")" "$dump_rate" "$mamoru_rate" "$(ratio "$mamoru_rate" "$dump_rate")"
}

count_events() { "$EVTX_DUMP" -o jsonl -t 1 "$1" 2>/dev/null | wc -l | tr -d ' '; }

# marginal EVENTS1 WALL1 EVENTS2 WALL2: the extra events over the extra time.
marginal() {
    awk -v e1="$1" -v w1="$2" -v e2="$3" -v w2="$4" 'BEGIN { if (w2 > w1) printf "%.0f", (e2 - e1) / (w2 - w1); else print "n/a" }'
}

# paired ROW FILE EVENTS: RUNS turns of evtx_dump then mamoru hunt over FILE; rows ROW-dump and
# ROW-mamoru, and PAIRED[ROW-whole] and PAIRED[ROW-scan], the medians of each pair's
# throughput ratios (mamoru's whole process, and its own scan-only rate, to evtx_dump's).
paired() {
    local row=$1 file=$2 events=$3 dumps=() mamorus=() whole=() scan=() d s
    PEAK[$row-dump]=0 PEAK[$row-mamoru]=0
    for ((i = 1; i <= RUNS; i++)); do
        run_once "$row-dump" sh -c '"$1" -o jsonl "$2" >/dev/null' sh "$EVTX_DUMP" "$file"
        d=$LAST_WALL
        run_once "$row-mamoru" "$MAMORU" hunt "$file" --rules "$SIGMA_RULES" --format jsonl -o "$WORK/$row.jsonl"
        dumps+=("$d") mamorus+=("$LAST_WALL")
        whole+=("$(ratio "$d" "$LAST_WALL")")
        s=$(scan_rate "$WORK/$row-mamoru.err")
        scan+=("$(awk -v s="${s:-0}" -v e="$events" -v d="$d" 'BEGIN { printf "%.2f", s * d / e }')")
    done
    keep "$row-dump" "$events" "${dumps[@]}"
    keep "$row-mamoru" "$events" "${mamorus[@]}"
    PAIRED[$row-whole]=$(printf '%s\n' "${whole[@]}" | median)
    PAIRED[$row-scan]=$(printf '%s\n' "${scan[@]}" | median)
    say "  $row pairs: whole ${whole[*]}, scan-only ${scan[*]}"
}

# Part 2c: one JSONL file of hundreds of MB. Mamoru reads JSON lines here while evtx_dump
# parses EVTX: the comparison is of events per second through each tool, not of the same bytes.
part2_big_jsonl() {
    [[ -s "$WORK/corpus.jsonl" ]] || { say "skipped: part 2c needs evtx_dump's export of the corpus"; return 0; }
    say "==> part 2c: big.jsonl = the corpus exported by evtx_dump, $BIG_COPIES times"
    : >"$WORK/big.jsonl"
    for ((i = 0; i < BIG_COPIES; i++)); do cat "$WORK/corpus.jsonl" >>"$WORK/big.jsonl"; done
    local events mb rate scan
    events=$(wc -l <"$WORK/big.jsonl" | tr -d ' ')
    mb=$(awk -v s="$(stat -c %s "$WORK/big.jsonl")" 'BEGIN { printf "%.0f", s / 1e6 }')
    measure big-mamoru "$events" "$MAMORU" hunt "$WORK/big.jsonl" --rules "$SIGMA_RULES" --format jsonl -o "$WORK/big-out.jsonl"
    rate=$(awk -v e="$events" -v w="${WALL[big-mamoru]}" 'BEGIN { printf "%.0f", e / w }')
    scan=$(scan_rate "$WORK/big-mamoru.err")
    printf '\nPART 2c: one large JSONL file (mamoru reads JSON lines; the evtx_dump rate is its EVTX parse rate on big.evtx, 2b)\n'
    printf '  big.jsonl: %s MB, %s events (%s copies of the corpus as evtx_dump JSONL)\n' "$mb" "$events" "$BIG_COPIES"
    printf '  mamoru hunt big.jsonl, raw SigmaHQ: %s s, %s events/s whole process, %s events/s scan-only, peak %s MB, %s detections\n' \
        "${WALL[big-mamoru]}" "$rate" "${scan:-?}" "${RSS[big-mamoru]}" "$(lines "$WORK/big-out.jsonl")"
    printf '  mamoru big.jsonl / evtx_dump big.evtx: %s whole process, %s scan-only\n' \
        "$(ratio "$rate" "${BIG_DUMP_RATE:-}")" "$(ratio "${scan:-}" "${BIG_DUMP_RATE:-}")"
}

main() {
    mkdir -p "$WORK"
    [[ -d "$CORPUS" ]] || { say "the corpus $CORPUS is missing (see ../shared/bench/PEERS.md)"; exit 2; }
    [[ -d "$SIGMA_RULES" ]] || { say "the Sigma rules $SIGMA_RULES are missing"; exit 2; }
    have "$EVTX_DUMP" evtx_dump || { say "evtx_dump is needed to count the corpus' events"; exit 2; }
    build
    warm
    if wanted 1 || wanted 2c; then export_corpus; fi
    if wanted 1; then
        part1
        printf '\nPART 1: %s (%s files, %s MB, %s events); %s runs each, median wall, largest peak RSS\n' \
            "$CORPUS" "$CORPUS_FILES" "$CORPUS_MB" "$CORPUS_EVENTS" "$RUNS"
        print_table
        print_ratios
    fi
    if wanted 2a; then part2_largest; fi
    if wanted 2b; then part2_big_evtx; fi
    if wanted 2c; then part2_big_jsonl; fi
    if wanted 2d; then part2_dense_evtx; fi
    say "outputs kept in $WORK"
}

main "$@"
