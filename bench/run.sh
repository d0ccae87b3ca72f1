#!/bin/bash
# SPDX-License-Identifier: MIT
# `make bench`: runs the benchmark scripts, each under a time limit, on
# loopback only, collects the FIGURE lines they print (see bench/lib.sh)
# and writes docs/benchmarks.md: the machine, date and commit of this run
# and its figures in one table, above the earlier runs, which are kept.
# Goals are reported next to the figures, never asserted: the exit status
# says only whether every script ran to its end.
#
# Environment: BENCH_BUDGET (570 s for the whole run), BENCH_DOC (the file
# to write); bench/content.sh reads BENCH_PAIRS, BENCH_SECONDS, BENCH_CONNS.
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
set -u
TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$TOP" || exit 1
DOC=${BENCH_DOC:-$TOP/docs/benchmarks.md}
BUDGET=${BENCH_BUDGET:-570}
CONTENT_LIMIT=300
START=$(date +%s)
OUT=$(mktemp /tmp/openwsus-bench-run.XXXXXX) || exit 1
TPID=
# A script runs under `timeout` in a process group of its own, out of reach
# of the terminal's Ctrl-C: stopping this run stops it through timeout,
# which passes the signal on to the script and its group.
# shellcheck disable=SC2317 # called from the traps
stop_part() {
	if [ -n "$TPID" ]; then
		kill -TERM "$TPID" 2>/dev/null
		wait "$TPID" 2>/dev/null
		TPID=
	fi
}
trap 'rm -f "$OUT" "$OUT.doc" "$OUT.part"' EXIT
trap 'stop_part; exit 130' INT
trap 'stop_part; exit 143' TERM
PATH=$PATH:/usr/sbin:/sbin

figure() { # the same line format as bench/lib.sh's figure
	printf 'FIGURE|%s|%s|%s|%s|%s\n' "$1" "$2" "${3:-}" "${4:-}" "${5:-}"
}

# ---- this run ------------------------------------------------------------
CORES=$(nproc)
MEM=$(awk '/^MemTotal:/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)
KERNEL="$(uname -s) $(uname -r)"
CPU=$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n 1)
[ -n "$CPU" ] || CPU=$(uname -m)
WHEN=$(date -u '+%Y-%m-%d %H:%M UTC')
COMMIT=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
# Dirty means the sources differ from the commit; this file does not count.
if [ "$COMMIT" != unknown ] && ! git diff --quiet HEAD -- . ':!docs/benchmarks.md' 2>/dev/null; then
	COMMIT="$COMMIT-dirty"
fi
NGINX_V=$(nginx -v 2>&1 | sed -n 's/.*nginx\/\([^ ]*\).*/\1/p')
WRK_V=$(wrk -v 2>&1 | sed -n 's/^wrk \([^ ]*\).*/\1/p')

echo "openwsus bench: $WHEN, commit $COMMIT"
echo "machine: $CORES cores ($CPU), $MEM memory, $KERNEL"
echo "tools: nginx ${NGINX_V:-missing}, wrk ${WRK_V:-missing}; budget ${BUDGET}s"

left() { echo $((BUDGET - ($(date +%s) - START))); }

PARTS=""
# part NAME LIMIT COMMAND...: runs one script under `timeout`, its output
# shown and kept; a failure becomes a row of the table.
part() {
	local name=$1 limit=$2 t0 rc tail_pid
	shift 2
	if [ "$limit" -lt 30 ]; then
		echo "== $name: skipped, ${limit}s left of the budget"
		figure "$name" "not run" "" "" "the run's ${BUDGET} s budget was spent" >>"$OUT"
		PARTS="$PARTS${PARTS:+; }$name: not run"
		return
	fi
	echo "== $name (time limit ${limit}s)"
	t0=$(date +%s)
	: >"$OUT.part"
	BENCH_TIME_LIMIT=$limit timeout -k 20 "$limit" "$@" </dev/null >"$OUT.part" 2>&1 &
	TPID=$!
	tail -n +1 -f --pid="$TPID" "$OUT.part" &
	tail_pid=$!
	wait "$TPID"
	rc=$?
	TPID=
	wait "$tail_pid"
	cat "$OUT.part" >>"$OUT"
	t0=$(($(date +%s) - t0))
	echo "== $name: exit $rc after ${t0}s"
	if [ "$rc" != 0 ]; then
		local why="exit $rc"
		[ "$rc" = 124 ] && why="stopped at its time limit of ${limit} s"
		figure "$name" "failed" "" "" "$why; the figures it printed before are above" >>"$OUT"
	fi
	PARTS="$PARTS${PARTS:+; }$name: ${t0} s, exit $rc"
	return 0
}

FAILED=0
l=$(left)
part bench/content.sh $((l < CONTENT_LIMIT ? l : CONTENT_LIMIT)) bash "$TOP/bench/content.sh"
if [ -x "$TOP/bench/storm.sh" ]; then
	part bench/storm.sh $(($(left) - 10)) "$TOP/bench/storm.sh"
else
	echo "== bench/storm.sh: not in this tree"
	figure "scan storm (bench/storm.sh)" "not measured" "" "" "bench/storm.sh is not in this tree" >>"$OUT"
fi
figure "sync 10,000 updates" "not measured" "" "<= 30 s" \
	"no server-to-server sync (MS-WSUSSS) in this version" | tee -a "$OUT"
grep -q '^FIGURE|.*|failed|' "$OUT" && FAILED=1
grep -q '^FIGURE|.*|not run|' "$OUT" && FAILED=1
TOOK=$(($(date +%s) - START))

# ---- docs/benchmarks.md --------------------------------------------------
{
	cat <<'EOF'
# Benchmarks

Written by `make bench` (run `make deps && make bench` as root on Debian 12; `make deps`
installs nginx and wrk). Everything runs on loopback on the one machine, client and
servers sharing its cores, each script under a time limit, the whole run under 10 minutes.
`bench/content.sh` downloads a 1 MiB file, a 16 MiB file and 1 MiB `Range` slices of the
16 MiB file from openwsus's content port and from nginx (`sendfile on`, `tcp_nopush on`,
one worker per core as openwsus has, no access log) serving the same directory, with `wrk`,
the two servers measured in alternation; a ratio is the median of the per-pair
openwsus/nginx throughput ratios, and the notes give every pair, for the spread (the
machine's other load is not controlled). The `Range` requests start at random byte offsets;
nginx 1.22 sends ranges that start off a 4 KiB page boundary markedly slower than aligned
ones, which favours openwsus in that ratio. `bench/storm.sh`, when present, measures scan
storms. Goals are the issue's, reported next to each figure and never asserted; MiB/s is
2^20 bytes per second, headers included. The newest run comes first; earlier runs are kept
under "Previous runs".

EOF
	[ -f bench/speed-log.md ] && cat bench/speed-log.md
	echo "## Run $WHEN, commit $COMMIT"
	echo
	echo "- machine: $CORES cores ($CPU), $MEM memory, $KERNEL"
	echo "- tools: nginx ${NGINX_V:-missing}, wrk ${WRK_V:-missing}"
	echo "- took: $TOOK s ($PARTS)"
	echo
	echo "| figure | value | unit | goal | note |"
	echo "|---|---|---|---|---|"
	grep '^FIGURE|' "$OUT" | awk -F'|' '{
		printf "| %s | %s | %s | %s | %s |\n", $2, $3, $4, $5, $6
	}'
	if [ -f "$DOC" ] && grep -q '^## Run ' "$DOC"; then
		echo
		echo "## Previous runs"
		echo
		sed -n '/^## Run /,$p' "$DOC" | grep -v '^## Previous runs$'
	fi
} >"$OUT.doc" || exit 1
mkdir -p "$(dirname "$DOC")"
# Blank lines squeezed, so the sections keep one line between them.
cat -s "$OUT.doc" >"$DOC.tmp" && mv "$DOC.tmp" "$DOC" || exit 1
echo "openwsus bench: ${TOOK}s; wrote $DOC"
exit "$FAILED"
