# SPDX-License-Identifier: MIT
# Shared helpers for the benchmark scripts (bench/*.sh), which are bash and
# source this file: a work directory removed on exit, ports chosen at run
# time, openwsus started and stopped, and the one line format bench/run.sh
# collects from a script's standard output:
#
#   FIGURE|name|value|unit|goal|note
#
# Everything else a script prints is progress for the reader. Benchmarks
# send traffic to 127.0.0.1 only; every loop is bounded in count and time.
#
# On exit (normal, error, SIGINT, SIGTERM from run.sh's timeout) the trap
# ends openwsus and every process given to bench_track, then removes the
# work directory. A script that needs its own EXIT trap calls
# bench_cleanup from it.
# shellcheck disable=SC2034 # BENCH_* are set for the scripts that source this
set -u

BENCH_SRC=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
BENCH_TOP=$(cd "$BENCH_SRC/.." && pwd)
OPENWSUS=${OPENWSUS:-$BENCH_TOP/build/openwsus}
BENCH_FQDN=${BENCH_FQDN:-bench.openwsus.test}

# The work directory. Run as root, openwsus gives up root for the service
# user once its ports are bound: that user must be able to traverse here.
BENCH_DIR=$(mktemp -d /tmp/openwsus-bench.XXXXXX) || exit 1
chmod 711 "$BENCH_DIR"

BENCH_PID=    # openwsus, while bench_start_openwsus's server runs
BENCH_HTTPS=  # its HTTPS (metadata) port
BENCH_HTTP=   # its HTTP (content) port, BENCH_HTTPS - 1
BENCH_LOG=    # its log (stderr and stdout)
BENCH_TRACKED=""

# bench_track PID: end PID (SIGTERM, then SIGKILL after 10 s) on exit.
bench_track() {
	BENCH_TRACKED="$BENCH_TRACKED $1"
}

# bench_end PID: SIGTERM, wait up to 10 s, then SIGKILL. PID must be a
# child of this shell.
bench_end() {
	local pid=$1 i
	kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null; return 0; }
	kill -TERM "$pid" 2>/dev/null
	for i in $(seq 1 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -0 "$pid" 2>/dev/null && kill -KILL "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	return 0
}

bench_cleanup() {
	local pid
	for pid in $BENCH_TRACKED; do
		bench_end "$pid"
	done
	BENCH_TRACKED=""
	bench_stop_openwsus
	rm -rf "$BENCH_DIR"
}
trap bench_cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# bench_port_free PORT: true when nothing listens on PORT (TCP).
bench_port_free() {
	! ss -Htln "sport = :$1" 2>/dev/null | grep -q .
}

# bench_free_port: prints a TCP port nothing listens on now (20000-59999).
# The caller still has to retry when the port is taken before it binds.
bench_free_port() {
	local try p
	for try in $(seq 1 50); do
		p=$((20000 + (RANDOM * 32768 + RANDOM) % 40000))
		bench_port_free "$p" && { echo "$p"; return 0; }
	done
	return 1
}

# bench_free_port_pair: prints "P Q", two free ports with Q = P - 1, as
# `openwsus serve --https-port P` uses them.
bench_free_port_pair() {
	local try p
	for try in $(seq 1 50); do
		p=$((20001 + (RANDOM * 32768 + RANDOM) % 39999))
		bench_port_free "$p" && bench_port_free $((p - 1)) && {
			echo "$p $((p - 1))"
			return 0
		}
	done
	return 1
}

# bench_init_data DIR: a fresh data directory for BENCH_FQDN.
bench_init_data() {
	"$OPENWSUS" init --data "$1" --fqdn "$BENCH_FQDN" >"$BENCH_DIR/init.log" 2>&1 || {
		cat "$BENCH_DIR/init.log" >&2
		return 1
	}
}

# bench_start_openwsus DIR [serve options]: serves DIR on a port pair
# chosen now; sets BENCH_PID, BENCH_HTTPS, BENCH_HTTP and BENCH_LOG.
# Retries (8 times at most) when a port was taken between check and bind.
bench_start_openwsus() {
	local dir=$1 pair p
	shift
	bench_stop_openwsus
	BENCH_LOG="$BENCH_DIR/openwsus.log"
	for _ in 1 2 3 4 5 6 7 8; do
		pair=$(bench_free_port_pair) || break
		p=${pair% *}
		: >"$BENCH_LOG"
		"$OPENWSUS" serve --data "$dir" --https-port "$p" "$@" >>"$BENCH_LOG" 2>&1 &
		BENCH_PID=$!
		for _ in $(seq 1 150); do
			if grep -q "ready https=$p" "$BENCH_LOG"; then
				BENCH_HTTPS=$p
				BENCH_HTTP=$((p - 1))
				return 0
			fi
			kill -0 "$BENCH_PID" 2>/dev/null || break
			sleep 0.1
		done
		bench_end "$BENCH_PID"
		BENCH_PID=
		grep -q "cannot listen" "$BENCH_LOG" || break
	done
	echo "bench: openwsus did not start:" >&2
	cat "$BENCH_LOG" >&2
	return 1
}

# bench_stop_openwsus: SIGTERM (openwsus drains and exits 0) and wait.
bench_stop_openwsus() {
	if [ -n "$BENCH_PID" ]; then
		bench_end "$BENCH_PID"
	fi
	BENCH_PID=
	BENCH_HTTPS=
	BENCH_HTTP=
}

# figure NAME VALUE UNIT GOAL NOTE: one result line for run.sh. Fields
# must not contain '|' (replaced by '/') or newlines (replaced by spaces).
figure() {
	local out="FIGURE" f
	for f in "$1" "$2" "${3:-}" "${4:-}" "${5:-}"; do
		f=${f//|//}
		f=${f//$'\n'/ }
		out="$out|$f"
	done
	printf '%s\n' "$out"
}

# median: reads numbers (one a line) on stdin, prints their median (the
# mean of the two middle ones for an even count); nothing for no input.
median() {
	awk 'NF { print $1 }' | sort -g | awk '{ v[NR] = $1 }
		END {
			if (NR == 0) exit
			if (NR % 2) m = v[(NR + 1) / 2]
			else m = (v[NR / 2] + v[NR / 2 + 1]) / 2
			s = sprintf("%.6f", m)
			sub(/0+$/, "", s)
			sub(/\.$/, "", s)
			print s
		}'
}

# bench_fmt NUMBER [DECIMALS]: a number rounded for a table (default 1).
bench_fmt() {
	awk -v x="$1" -v d="${2:-1}" 'BEGIN { printf "%.*f\n", d, x }'
}
