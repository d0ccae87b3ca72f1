#!/bin/bash
# SPDX-License-Identifier: MIT
# Content download benchmark: openwsus's HTTP content port against Debian's
# nginx serving the same files from the same directory (sendfile on,
# tcp_nopush on, one worker per core as openwsus has, no access log). wrk
# measures, in alternation openwsus, nginx, openwsus, nginx, ..., a GET of a
# 1 MiB file, a GET of a 16 MiB file, and 1 MiB Range requests inside the
# 16 MiB file, each at every connection count of BENCH_CONNS. The figure
# is the median of the per-pair throughput ratios openwsus/nginx; the
# alternation keeps drift (page cache, CPU frequency, the other tenant of a
# shared machine) from favouring one server.
#
# Environment: BENCH_PAIRS (3), BENCH_SECONDS (5 s a measurement),
# BENCH_CONNS ("32 256"), BENCH_THREADS (2). Loopback only.
# Prints FIGURE lines (see bench/lib.sh) on stdout, progress on stderr.
set -u
# shellcheck source=bench/lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

PAIRS=${BENCH_PAIRS:-3}
DUR=${BENCH_SECONDS:-5}
CONNS=${BENCH_CONNS:-"32 256"}
THREADS=${BENCH_THREADS:-2}
MIB=1048576
if [ "$PAIRS" -lt 1 ] || [ "$PAIRS" -gt 20 ]; then echo "BENCH_PAIRS: 1..20" >&2; exit 2; fi
if [ "$DUR" -lt 1 ] || [ "$DUR" -gt 60 ]; then echo "BENCH_SECONDS: 1..60" >&2; exit 2; fi

say() { echo "content: $*" >&2; }

for tool in nginx wrk curl ss sha1sum; do
	command -v "$tool" >/dev/null 2>&1 || PATH=$PATH:/usr/sbin:/sbin
	command -v "$tool" >/dev/null 2>&1 || {
		say "$tool is missing: run 'make deps' (as root) first"
		exit 3
	}
done
[ -x "$OPENWSUS" ] || { say "$OPENWSUS is missing: run 'make'"; exit 3; }

# ---- data: one data directory, two random files --------------------------
DATA=$BENCH_DIR/data
bench_init_data "$DATA" || exit 1
head -c "$MIB" /dev/urandom >"$BENCH_DIR/small.bin"
head -c $((16 * MIB)) /dev/urandom >"$BENCH_DIR/big.bin"
SMALL=$("$OPENWSUS" content import --data "$DATA" "$BENCH_DIR/small.bin") || exit 1
BIG=$("$OPENWSUS" content import --data "$DATA" "$BENCH_DIR/big.bin") || exit 1
say "imported $SMALL (1 MiB) and $BIG (16 MiB)"

# ---- servers -------------------------------------------------------------
bench_start_openwsus "$DATA" || exit 1
OW=http://127.0.0.1:$BENCH_HTTP
say "openwsus $BENCH_PID on https=$BENCH_HTTPS http=$BENCH_HTTP"

NGINX_PID=
NGINX_PORT=
NGX=$BENCH_DIR/nginx
mkdir -p "$NGX/tmp"
chmod 755 "$NGX" "$NGX/tmp"
WORKERS=$(nproc)

# nginx_conf PORT: the minimal configuration, everything inside $NGX. Run as
# root, the workers are the service user, who can read the 0700 data
# directory; the master keeps root only to start them, as Debian runs it.
nginx_conf() {
	{
		[ "$(id -u)" = 0 ] && echo "user openwsus;"
		cat <<EOF
worker_processes $WORKERS;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	sendfile on;
	tcp_nopush on;
	default_type application/octet-stream;
	client_body_temp_path $NGX/tmp/body;
	proxy_temp_path $NGX/tmp/proxy;
	fastcgi_temp_path $NGX/tmp/fastcgi;
	uwsgi_temp_path $NGX/tmp/uwsgi;
	scgi_temp_path $NGX/tmp/scgi;
	server {
		listen 127.0.0.1:$1;
		location /Content/ { alias $DATA/content/; }
	}
}
EOF
	} >"$NGX/nginx.conf"
}

# start_nginx: nginx in the foreground on a port chosen now; retries when
# the port was taken between the check and the bind.
start_nginx() {
	local p
	for _ in 1 2 3 4 5 6 7 8; do
		p=$(bench_free_port) || break
		nginx_conf "$p"
		: >"$NGX/error.log"
		nginx -p "$NGX" -e "$NGX/error.log" -c "$NGX/nginx.conf" -g 'daemon off;' \
			>"$NGX/stdout.log" 2>&1 &
		NGINX_PID=$!
		bench_track "$NGINX_PID"
		for _ in $(seq 1 100); do
			if curl -s -o /dev/null --max-time 2 "http://127.0.0.1:$p/"; then
				NGINX_PORT=$p
				return 0
			fi
			kill -0 "$NGINX_PID" 2>/dev/null || break
			sleep 0.1
		done
		bench_end "$NGINX_PID"
		grep -q "Address already in use" "$NGX/error.log" "$NGX/stdout.log" || break
	done
	say "nginx did not start:"
	cat "$NGX/error.log" "$NGX/stdout.log" >&2
	return 1
}
start_nginx || exit 1
NG=http://127.0.0.1:$NGINX_PORT
say "nginx $NGINX_PID ($(nginx -v 2>&1 | sed 's/.*version: //')) on $NGINX_PORT, $WORKERS workers"

# ---- checks: same bytes from both, 206 for ranges ------------------------
# Also warms the page cache with both files.
RANGES=""
for _ in 1 2 3 4; do
	s=$(((RANDOM * 32768 + RANDOM) % (15 * MIB + 1)))
	RANGES="$RANGES${RANGES:+,}$s-$((s + MIB - 1))"
done
fail=0
want_small=$(sha1sum <"$BENCH_DIR/small.bin" | cut -d' ' -f1)
want_big=$(sha1sum <"$BENCH_DIR/big.bin" | cut -d' ' -f1)
for base in "$OW" "$NG"; do
	for f in "$SMALL:$want_small" "$BIG:$want_big"; do
		got=$(curl -sS --max-time 30 -w '%{http_code}' -o "$BENCH_DIR/got" "$base${f%%:*}")
		sum=$(sha1sum <"$BENCH_DIR/got" | cut -d' ' -f1)
		if [ "$got" != 200 ] || [ "$sum" != "${f#*:}" ]; then
			say "FAIL $base${f%%:*}: status $got, sha1 $sum"
			fail=1
		fi
	done
	for r in ${RANGES//,/ }; do
		s=${r%-*}
		got=$(curl -sS --max-time 30 -H "Range: bytes=$r" -w '%{http_code}' \
			-o "$BENCH_DIR/got" "$base$BIG")
		want=$(tail -c +$((s + 1)) "$BENCH_DIR/big.bin" | head -c "$MIB" | sha1sum | cut -d' ' -f1)
		sum=$(sha1sum <"$BENCH_DIR/got" | cut -d' ' -f1)
		if [ "$got" != 206 ] || [ "$sum" != "$want" ]; then
			say "FAIL $base$BIG Range: bytes=$r: status $got, sha1 $sum, want 206 $want"
			fail=1
		fi
	done
done
if [ "$fail" != 0 ]; then
	say "the servers do not answer the same bytes: not measuring"
	exit 1
fi
say "both servers: 200 and the same bytes for both files, 206 and the same bytes for ranges $RANGES"

# ---- measurement ---------------------------------------------------------
# run_wrk URL [RANGES]: one wrk run; prints "MiB/s req/s errors p99_ms
# bytes_per_request". Bounded by wrk's -d and a timeout.
run_wrk() {
	local url=$1 line req bytes dur e
	line=$(BENCH_RANGES=${2:-} timeout --foreground -k 5 $((DUR + 30)) \
		wrk -t "$THREADS" -c "$CONNS_NOW" -d "${DUR}s" --timeout 10s \
		-s "$BENCH_SRC/wrk.lua" "$url" 2>&1 | grep '^WRK|')
	if [ -z "$line" ]; then
		echo "0 0 -1 0 0"
		return
	fi
	IFS='|' read -r _ req bytes dur e1 e2 e3 e4 e5 _ p99 <<<"$line"
	e=$((e1 + e2 + e3 + e4 + e5))
	awk -v r="$req" -v b="$bytes" -v d="$dur" -v e="$e" -v p="$p99" 'BEGIN {
		s = d / 1e6
		printf "%.0f %.0f %d %.0f %.0f\n", b / s / 1048576, r / s, e, p / 1000, r ? b / r : 0
	}'
}

# med DECIMALS NUMBER...: their median, rounded.
med() {
	local d=$1
	shift
	bench_fmt "$(printf '%s\n' "$@" | median)" "$d"
}

# measure NAME PATH SIZE [RANGES]: PAIRS alternating runs at CONNS_NOW
# connections, then the figures. (Lists of numbers are split on purpose.)
# shellcheck disable=SC2086
measure() {
	local name=$1 path=$2 size=$3 ranges=${4:-} k ow ng ratios="" owm="" ngm="" owr="" ngr=""
	local errs="" oe=0 ne=0 shape="" owp="" ngp="" extra=""
	[ -z "$ranges" ] || extra="; ranges (random byte offsets): $ranges"
	for k in $(seq 1 "$PAIRS"); do
		ow=$(run_wrk "$OW$path" "$ranges")
		ng=$(run_wrk "$NG$path" "$ranges")
		set -- $ow
		local om=$1 orq=$2 oerr=$3 op=$4 obpr=$5
		set -- $ng
		local nm=$1 nrq=$2 nerr=$3 np=$4 nbpr=$5
		say "$name, $CONNS_NOW conn, pair $k: openwsus $om MiB/s $orq req/s (errors $oerr), nginx $nm MiB/s $nrq req/s (errors $nerr)"
		owm="$owm $om" ngm="$ngm $nm" owr="$owr $orq" ngr="$ngr $nrq" owp="$owp $op" ngp="$ngp $np"
		oe=$((oe + (oerr < 0 ? 1 : oerr))) ne=$((ne + (nerr < 0 ? 1 : nerr)))
		# A server that ignored Range would send the whole 16 MiB file:
		# the bytes per answer would say so. (wrk counts the bytes of
		# answers cut by the end of the run but not the answers, so
		# bytes per answer run a little above the size.)
		for b in "$obpr" "$nbpr"; do
			if [ "${b%.*}" -lt "$size" ] || [ "${b%.*}" -gt $((2 * size)) ]; then
				shape="$b bytes per answer, for $size-byte answers"
			fi
		done
		ratios="$ratios $(awk -v a="$om" -v b="$nm" 'BEGIN { printf "%.3f\n", (b > 0) ? a / b : 0 }')"
	done
	[ "$oe" = 0 ] && [ "$ne" = 0 ] || errs="ERRORS (non-2xx, socket errors or failed runs): openwsus $oe, nginx $ne; "
	[ -z "$shape" ] || errs="$errs${shape}; "
	[ -z "$errs" ] || say "$name, $CONNS_NOW conn: $errs"
	local label="content $name, $CONNS_NOW conn"
	figure "$label: openwsus/nginx" "$(med 3 $ratios)" "ratio" ">= 0.95" \
		"${errs}median of $PAIRS alternating pairs; ratio per pair:$ratios$extra"
	figure "$label: openwsus" "$(med 0 $owm)" "MiB/s" "" \
		"$(med 0 $owr) req/s, p99 latency $(med 0 $owp) ms (medians); MiB/s per run:$owm"
	figure "$label: nginx" "$(med 0 $ngm)" "MiB/s" "" \
		"$(med 0 $ngr) req/s, p99 latency $(med 0 $ngp) ms (medians); MiB/s per run:$ngm"
}

for CONNS_NOW in $CONNS; do
	measure "GET 1 MiB" "$SMALL" "$MIB"
	measure "GET 16 MiB" "$BIG" $((16 * MIB))
	measure "Range 1 MiB of 16 MiB" "$BIG" "$MIB" "$RANGES"
done

# The server must have stayed up through all of it.
kill -0 "$BENCH_PID" 2>/dev/null || { say "openwsus died during the benchmark"; exit 1; }
kill -0 "$NGINX_PID" 2>/dev/null || { say "nginx died during the benchmark"; exit 1; }
exit 0
