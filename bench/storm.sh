#!/bin/bash
# SPDX-License-Identifier: MIT
# Scan storm and memory: a synthetic catalog of 10,000 update documents
# (build/bench/gencat) is imported into a fresh data directory, two groups
# get approvals (30% of the updates Install for "Ring A", 5% for "Ring B"
# with a deadline), and build/bench/storm plays the whole Windows client
# sequence for thousands of new client ids at once (each its own TLS
# connection; a third each in Ring A, in Ring B and in no group, by
# client-side targeting), after lighter clients that only register have
# brought the server to 100,000 computers; then its memory is read from
# /proc, and a SyncUpdates page and a GetExtendedUpdateInfo answer are
# fetched from openwsus and, as static files, from nginx.
# Sourced helpers and the FIGURE format: bench/lib.sh. Everything is on
# loopback, ports are chosen at run time, every phase is bounded in count
# and time, and the whole script stays within BENCH_TIME_LIMIT (290 s
# when run alone).
#
# Environment: STORM_UPDATES (10000), STORM_CLIENTS (20000, at most),
# STORM_CONCURRENCY (64), STORM_COMPUTERS (100000), STORM_PRODUCTS (1: the
# bench products each client has, see bench/storm.c), STORM_NEEDED (100:
# Install updates a client asks extended information for).
[ -n "${BASH_VERSION:-}" ] || exec bash "$0" "$@"
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

LIMIT=${BENCH_TIME_LIMIT:-290}
UPDATES=${STORM_UPDATES:-10000}
MAX_CLIENTS=${STORM_CLIENTS:-20000}
CONC=${STORM_CONCURRENCY:-64}
COMPUTERS=${STORM_COMPUTERS:-100000}
PRODUCTS=${STORM_PRODUCTS:-1}
NEEDED=${STORM_NEEDED:-100}
GENCAT=$BENCH_TOP/build/bench/gencat
STORM=$BENCH_TOP/build/bench/storm
START=$(date +%s)
G_A="Ring A" G_B="Ring B"

left() { echo $((LIMIT - ($(date +%s) - START))); }
# share D MAX: seconds for a phase, the time left / D, at least 1, at most MAX.
share() { local t=$(( $(left) / $1 )); [ "$t" -ge 1 ] || t=1; [ "$t" -le "$2" ] || t=$2; echo "$t"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }
# kv FILE KEY: the value of KEY=... in storm's output (first match).
kv() { sed -n "s/.*\\b$2=\\([^ ]*\\).*/\\1/p" "$1" | head -n 1; }
# opline FILE OP: "p50 / p99 / max" of one operation.
opline() {
	awk -v op="$2" '$1 == "op=" op {
		for (i = 2; i <= NF; i++) { split($i, kv, "="); v[kv[1]] = kv[2] }
		printf "%s / %s / %s", v["p50_ms"], v["p99_ms"], v["max_ms"]
	}' "$1"
}

unmeasured() { # NOTE: every figure of this script as "not measured"
	for f in "scan storm: full scans/s" "scan storm: requests/s" "100,000-client storm, projected" \
		"server RSS after storm" "metadata vs static: SyncUpdates" \
		"metadata vs static: GetExtendedUpdateInfo"; do
		figure "$f" "not measured" "" "" "$1"
	done
}

for tool in "$GENCAT" "$STORM" "$OPENWSUS"; do
	if [ ! -x "$tool" ]; then
		echo "storm: $tool is missing (make bench-tools)" >&2
		unmeasured "$tool is missing"
		exit 1
	fi
done
for tool in curl openssl; do
	command -v $tool >/dev/null || { unmeasured "$tool is missing"; exit 1; }
done

echo "storm: $(nproc) cores; budget ${LIMIT}s; catalog $UPDATES updates; at most $MAX_CLIENTS scanning" \
	"clients, $CONC at a time; $COMPUTERS computers for the memory figure"

# ---- data directory, catalog, approvals ----------------------------------
D=$BENCH_DIR/data
W=$BENCH_DIR/work
mkdir -p "$W" && chmod 711 "$W"
bench_init_data "$D" || { unmeasured "init failed"; exit 1; }
# Client-side targeting: each client names its ring. An administrator
# certificate (no argon2id per request) approves thousands of updates.
sed -i 's/^targeting = server$/targeting = client/' "$D/openwsus.conf"
(
	cd "$W" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 2 -subj '/CN=Bench admin CA' \
		-keyout aca.key -out aca.pem -addext basicConstraints=critical,CA:TRUE \
		-addext keyUsage=critical,keyCertSign &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/O=Bench/CN=bench-admin' \
		-keyout admin.key -out admin.csr &&
	openssl x509 -req -in admin.csr -CA aca.pem -CAkey aca.key -days 1 -out admin.pem
) >"$W/pki.log" 2>&1 || { cat "$W/pki.log" >&2; unmeasured "openssl failed"; exit 1; }
cp "$W/aca.pem" "$D/tls/admin-ca.pem"
sed -i 's|^ca_key = tls/ca.key|&\nclient_ca = tls/admin-ca.pem|' "$D/openwsus.conf"
"$OPENWSUS" user add --data "$D" bench-admin --role administrators --cert-subject 'CN=bench-admin,O=Bench' \
	>"$W/user.log" 2>&1 || { cat "$W/user.log" >&2; unmeasured "user add failed"; exit 1; }

t=$(now)
"$GENCAT" --out "$W/cat" --count "$UPDATES" || { unmeasured "gencat failed"; exit 1; }
# Import in batches of 500 files, each batch one process (bounded: the
# file count is UPDATES).
if ! (cd "$W/cat/docs" && ls | sort | xargs -n 500 "$OPENWSUS" update import --data "$D" >"$W/import.log" 2>&1); then
	tail -n 5 "$W/import.log" >&2
	unmeasured "update import failed"
	exit 1
fi
echo "storm: generated and imported $(grep -c '^imported' "$W/import.log") documents in $(since "$t") s"

bench_start_openwsus "$D" || { unmeasured "openwsus did not start"; exit 1; }
echo "storm: openwsus pid $BENCH_PID on https $BENCH_HTTPS"
URL="https://$BENCH_FQDN:$BENCH_HTTPS"
RESOLVE="$BENCH_FQDN:$BENCH_HTTPS:127.0.0.1"
API="$URL/ApiRemoting30/api/v1"
admin_curl() {
	curl -sS --max-time 20 --cacert "$D/tls/ca.pem" --resolve "$RESOLVE" --cert "$W/admin.pem" \
		--key "$W/admin.key" -H 'Content-Type: application/json' "$@"
}
for g in "$G_A" "$G_B"; do
	code=$(admin_curl -o /dev/null -w '%{http_code}' -X POST -d "{\"name\":\"$g\"}" "$API/groups")
	[ "$code" = 201 ] || { echo "storm: group $g: HTTP $code" >&2; unmeasured "group add failed"; exit 1; }
done

# Approvals: every update, bundle and stack line of ids.tsv by number: 3 in
# 10 Install for Ring A, 1 in 20 Install for Ring B with a deadline. One
# curl process on one kept-alive connection, bounded in time.
DEADLINE=$(date -u -d '+14 days' +%Y-%m-%dT08:00:00Z)
awk -F'\t' -v a="$G_A" -v b="$G_B" -v dl="$DEADLINE" -v ca="$D/tls/ca.pem" -v rs="$RESOLVE" \
	-v cert="$W/admin.pem" -v key="$W/admin.key" -v url="$API/approvals" '
	$2 == "child" { next }
	{ n++ }
	n % 10 < 3 { emit($1, a, "") }
	n % 20 == 7 { emit($1, b, dl) }
	function emit(id, g, d) {
		if (k++) print "next"
		printf "url = \"%s\"\ncacert = \"%s\"\nresolve = \"%s\"\ncert = \"%s\"\nkey = \"%s\"\n", url, ca, rs, cert, key
		print "header = \"Content-Type: application/json\"\nsilent\noutput = \"/dev/null\"\nwrite-out = \"%{http_code}\\n\""
		printf "data = \"{\\\"update_id\\\":\\\"%s\\\",\\\"group\\\":\\\"%s\\\",\\\"action\\\":\\\"install\\\"%s}\"\n", id, g,
			d == "" ? "" : ",\\\"deadline\\\":\\\"" d "\\\""
	}' "$W/cat/ids.tsv" >"$W/approve.curl"
WANT=$(grep -c '^data' "$W/approve.curl")
t=$(now)
timeout "$(share 4 90)" curl -K "$W/approve.curl" >"$W/approve.codes" 2>"$W/approve.err"
APPROVED=$(grep -c '^201$' "$W/approve.codes")
echo "storm: $APPROVED of $WANT approvals in $(since "$t") s (Ring A: 30% of updates, Ring B: 5% with deadline $DEADLINE)"

# ---- warm-up and storm ---------------------------------------------------
S=("$STORM" --url "$URL" --ca "$D/tls/ca.pem" --resolve "$RESOLVE" --pid "$BENCH_PID"
	--products "$PRODUCTS" --needed "$NEEDED" --group "$G_A" --group "$G_B" --group "")
"${S[@]}" --clients 300 --concurrency "$CONC" --first 0 --max-seconds "$(share 6 40)" \
	>"$W/warmup.out" 2>&1
WARM=$(kv "$W/warmup.out" scans_per_s)
echo "storm: warm-up, 300 clients: $WARM scans/s, $(kv "$W/warmup.out" updates_per_scan) updates a scan," \
	"$(kv "$W/warmup.out" failed) failed"
[ -n "$WARM" ] || { cat "$W/warmup.out" >&2; unmeasured "the warm-up failed"; exit 1; }

# ---- computers: the server knows COMPUTERS of them by the end ----------
# Lighter clients (GetAuthorizationCookie, GetCookie, RegisterComputer on
# kept-alive connections) register first, so that the storm runs against
# a server that already knows most of its computers. The time left is
# shared: registrations at most 40% of it (and 150 s), the storm the rest
# but 15 s. The storm starts new clients (at most MAX_CLIENTS) during all
# but its last 15 s, then lets those in flight finish; registrations fill
# up to COMPUTERS with the storm's clients as the warm-up rate estimates
# them (the figure reports the count the store has in the end).
count_computers() {
	if command -v sqlite3 >/dev/null; then
		sqlite3 "file:$D/store.db?mode=ro" 'select count(*) from computer' 2>/dev/null
	fi
}
L=$(left)
RSECS=$(awk -v l="$L" 'BEGIN { r = int(l * 0.4); if (r > 150) r = 150; print r }')
SECS=$(( L - RSECS - 15 ))
[ "$SECS" -ge 20 ] || SECS=20
START_FOR=$((SECS - 15))
CLIENTS=$(awk -v r="$WARM" -v s="$START_FOR" -v m="$MAX_CLIENTS" 'BEGIN {
	n = int(r * s * 1.1); if (n > m) n = m; print n }')
HAVE=$(count_computers)
[ -n "$HAVE" ] || HAVE=300
NEED=$((COMPUTERS - HAVE - CLIENTS))
if [ "$NEED" -gt 0 ] && [ "$RSECS" -ge 10 ]; then
	echo "storm: registering $NEED computers first (GetAuthorizationCookie, GetCookie, RegisterComputer), at most ${RSECS}s"
	"${S[@]}" --mode register --clients "$NEED" --concurrency "$CONC" --first 5000000 \
		--max-seconds "$RSECS" >"$W/register.out" 2>&1
	echo "storm: $(kv "$W/register.out" done) registered at $(kv "$W/register.out" scans_per_s)/s," \
		"$(kv "$W/register.out" failed) failed"
	grep '^error' "$W/register.out"
fi
BEFORE=$(count_computers)

echo "storm: at most $MAX_CLIENTS clients, $CONC at a time, started for ${START_FOR}s, at most ${SECS}s" \
	"(products $PRODUCTS, needed $NEEDED), against ${BEFORE:-$HAVE} known computers"
"${S[@]}" --clients "$MAX_CLIENTS" --concurrency "$CONC" --first 1000000 --start-for "$START_FOR" \
	--max-seconds "$SECS" >"$W/storm.out" 2>&1
RC=$?
cat "$W/storm.out"
SPS=$(kv "$W/storm.out" scans_per_s)
RPS=$(kv "$W/storm.out" requests_per_s)
DONE=$(kv "$W/storm.out" done)
FAILED=$(kv "$W/storm.out" failed)
if [ -z "$SPS" ]; then
	unmeasured "storm exit $RC"
	exit 1
fi
STIME=$(kv "$W/storm.out" seconds)
UPS=$(kv "$W/storm.out" updates_per_scan)
CPU="storm used $(kv "$W/storm.out" cpu_storm_s) CPU-s, openwsus $(kv "$W/storm.out" cpu_server_s) CPU-s of $(awk -v s="$STIME" -v c="$(nproc)" 'BEGIN { printf "%.0f", s * c }')"
TO=""
[ "$(kv "$W/storm.out" timed_out)" = 1 ] && TO="; stopped at ${SECS}s, the clients then in flight dropped"
figure "scan storm: full scans/s" "$(bench_fmt "$SPS")" "scans/s" ">= 850" \
	"$DONE clients in ${STIME}s (new ones started for ${START_FOR}s), $CONC at a time, each a new TLS connection: handshake, $UPS updates a scan (SyncUpdates pages of 100, driver pass), GetExtendedUpdateInfo for up to $NEEDED Install updates, ReportEventBatch; $FAILED failed$TO; $CPU"
figure "scan storm: requests/s" "$(bench_fmt "$RPS")" "requests/s" "" \
	"$(kv "$W/storm.out" requests) requests; $(kv "$W/storm.out" mib_in) MiB answers, $(kv "$W/storm.out" mib_out) MiB requests"
for op in GetConfig GetAuthorizationCookie GetCookie RegisterComputer SyncUpdates SyncUpdates-driver \
	GetExtendedUpdateInfo ReportEventBatch scan; do
	line=$(opline "$W/storm.out" "$op")
	[ -n "$line" ] || continue
	n=$(awk -v op="$op" '$1 == "op=" op { sub(/^n=/, "", $2); print $2 }' "$W/storm.out")
	if [ "$op" = scan ]; then
		figure "scan storm: whole client p50/p99/max" "$line" "ms" "" "$n clients, first request to report"
	else
		figure "scan storm: $op p50/p99/max" "$line" "ms" "p99 <= 250 ms" "$n calls"
	fi
done
ERRS=$(awk '$1 == "error" { sub(/^n=/, "", $2); $1 = ""; printf "%s%s", sep, $0; sep = ";" }' "$W/storm.out")
figure "scan storm: errors" "$FAILED" "clients" "0" "${ERRS:-none}"
PROJ=$(awk -v r="$SPS" 'BEGIN { if (r > 0) printf "%.0f", 100000 / r; else print "inf" }')
figure "100,000-client storm, projected" "$PROJ" "s" "< 120 s" "100,000 / the storm's scans/s"
# CPU time per scan does not depend on what else the machine runs: the
# capacity it gives is what a core serves when openwsus has it alone.
CPS=$(awk -v c="$(kv "$W/storm.out" cpu_server_s)" -v n="$DONE" 'BEGIN { if (n > 0 && c >= 0) printf "%.1f", c * 1000 / n }')
CPC=$(awk -v c="$(kv "$W/storm.out" cpu_storm_s)" -v n="$DONE" 'BEGIN { if (n > 0) printf "%.1f", c * 1000 / n }')
if [ -n "$CPS" ]; then
	figure "scan storm: openwsus CPU per scan" "$CPS" "ms" "" \
		"openwsus CPU time / clients done: one core alone would serve $(awk -v c="$CPS" 'BEGIN { if (c > 0) printf "%.0f", 1000 / c }') scans/s; the storm client used $CPC ms a scan on the same cores"
fi

# ---- the server's memory ------------------------------------------------
HAVE2=$(count_computers)
if [ -z "$HAVE2" ]; then
	HAVE2=$((300 + DONE))
	[ -f "$W/register.out" ] && HAVE2=$((HAVE2 + $(kv "$W/register.out" done)))
	HAVE2="about $HAVE2"
fi
RSS=$(awk '/^VmRSS:/ { print $2 }' "/proc/$BENCH_PID/status" 2>/dev/null)
HWM=$(awk '/^VmHWM:/ { print $2 }' "/proc/$BENCH_PID/status" 2>/dev/null)
if [ -n "$RSS" ]; then
	figure "server RSS after storm" "$(bench_fmt "$(awk -v k="$RSS" 'BEGIN { print k / 1024 }')")" "MiB" \
		"<= 256 MiB with 100,000 computers and 10,000 updates" \
		"$HAVE2 computers registered, $UPDATES updates, $APPROVED approvals; peak (VmHWM) $(bench_fmt "$(awk -v k="$HWM" 'BEGIN { print k / 1024 }')") MiB"
else
	figure "server RSS after storm" "not measured" "MiB" "<= 256 MiB with 100,000 computers and 10,000 updates" \
		"/proc/$BENCH_PID/status unreadable"
fi

# ---- metadata vs static --------------------------------------------------
# One client of Ring A (--dump) keeps its first full SyncUpdates page and
# its first full GetExtendedUpdateInfo, request and answer. wrk then asks
# openwsus for them again (the same POST: same cookie, same cache) and
# nginx for the same answer bytes as a static file over HTTPS with the
# same certificate, in turn, MS_ROUNDS times MS_SECONDS each. Runs in this
# shell (not a subshell), so that the exit trap knows nginx; on failure
# MS_WHY says why.
MS_SECONDS=4 MS_ROUNDS=2 MS_CONNS=32
NGINX_PID= MS_WHY=
metadata_vs_static() {
	local m=$W/meta ngx=$W/nginx p try i op
	command -v nginx >/dev/null || PATH=$PATH:/usr/sbin:/sbin
	for tool in nginx wrk; do
		command -v $tool >/dev/null || { MS_WHY="$tool is missing"; return 1; }
	done
	mkdir -p "$m" "$ngx/tmp" && chmod 755 "$m" "$ngx" "$ngx/tmp" || { MS_WHY="cannot make $m"; return 1; }
	"$STORM" --url "$URL" --ca "$D/tls/ca.pem" --resolve "$RESOLVE" --clients 1 --concurrency 1 \
		--first 9000000 --group "$G_A" --products "$PRODUCTS" --max-seconds 30 --dump "$m" >"$W/dump.out" 2>&1
	for op in SyncUpdates GetExtendedUpdateInfo; do
		[ -s "$m/$op.ans" ] || { MS_WHY="no full $op answer to compare"; return 1; }
		chmod 644 "$m/$op.ans"
	done
	cat >"$W/post.lua" <<'LUA'
local f = assert(io.open(os.getenv("STORM_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "text/xml; charset=utf-8"
wrk.headers["SOAPAction"] = '"http://www.microsoft.com/SoftwareDistribution/Server/ClientWebService/' ..
	os.getenv("STORM_OP") .. '"'
wrk.headers["Host"] = os.getenv("STORM_HOST")
function done(summary, latency, requests)
	local e = summary.errors
	io.write(string.format("WRK|%d|%d|%d|%d\n", summary.requests, summary.bytes, summary.duration,
		e.connect + e.read + e.write + e.status + e.timeout))
end
LUA
	sed -n '/^function done/,$p' "$W/post.lua" >"$W/get.lua"
	for try in 1 2 3 4 5; do
		p=$(bench_free_port) || { MS_WHY="no free port"; return 1; }
		{
			[ "$(id -u)" = 0 ] && echo "user openwsus;"
			cat <<NGINX
worker_processes $(nproc);
pid $ngx/nginx.pid;
error_log $ngx/error.log warn;
events { worker_connections 4096; }
http {
	access_log off;
	default_type text/xml;
	client_body_temp_path $ngx/tmp/body;
	proxy_temp_path $ngx/tmp/proxy;
	fastcgi_temp_path $ngx/tmp/fastcgi;
	uwsgi_temp_path $ngx/tmp/uwsgi;
	scgi_temp_path $ngx/tmp/scgi;
	server {
		listen 127.0.0.1:$p ssl;
		ssl_certificate $D/tls/server.pem;
		ssl_certificate_key $D/tls/server.key;
		ssl_protocols TLSv1.2 TLSv1.3;
		root $m;
	}
}
NGINX
		} >"$ngx/nginx.conf"
		nginx -p "$ngx" -e "$ngx/error.log" -c "$ngx/nginx.conf" -g 'daemon off;' >"$ngx/out.log" 2>&1 &
		NGINX_PID=$!
		bench_track "$NGINX_PID"
		for i in $(seq 1 50); do
			curl -s -o /dev/null --max-time 2 --cacert "$D/tls/ca.pem" --resolve "$BENCH_FQDN:$p:127.0.0.1" \
				"https://$BENCH_FQDN:$p/SyncUpdates.ans" && break 2
			kill -0 "$NGINX_PID" 2>/dev/null || break
			sleep 0.1
		done
		bench_end "$NGINX_PID"
		NGINX_PID=
	done
	[ -n "$NGINX_PID" ] || { MS_WHY="nginx did not start: $(head -c 200 "$ngx/error.log")"; return 1; }
	for op in SyncUpdates GetExtendedUpdateInfo; do
		: >"$W/ms.ow.$op"
		: >"$W/ms.ng.$op"
		for i in $(seq 1 $MS_ROUNDS); do
			STORM_BODY=$m/$op.req STORM_OP=$op STORM_HOST=$BENCH_FQDN:$BENCH_HTTPS \
				wrk_run "$W/ms.ow.$op" "https://127.0.0.1:$BENCH_HTTPS/ClientWebService/client.asmx" "$W/post.lua"
			wrk_run "$W/ms.ng.$op" "https://127.0.0.1:$p/$op.ans" "$W/get.lua"
		done
	done
	bench_end "$NGINX_PID"
	return 0
}
# wrk_run OUT URL LUA: appends "requests/s MiB/s errors" of one wrk run to OUT.
wrk_run() {
	local line req bytes dur errs
	line=$(timeout --foreground -k 5 $((MS_SECONDS + 20)) wrk -t 2 -c "$MS_CONNS" -d "${MS_SECONDS}s" \
		--timeout 10s -s "$3" "$2" 2>&1 | grep '^WRK|')
	IFS='|' read -r _ req bytes dur errs <<<"$line"
	awk -v r="${req:-0}" -v b="${bytes:-0}" -v d="${dur:-1}" -v e="${errs:-0}" \
		'BEGIN { printf "%.0f %.1f %d\n", r / (d / 1e6), b / (d / 1e6) / 1048576, e }' >>"$1"
}
if [ "$(left)" -lt $((4 * MS_ROUNDS * MS_SECONDS + 25)) ]; then
	for op in SyncUpdates GetExtendedUpdateInfo; do
		figure "metadata vs static: $op" "not measured" "" "" "no time left in the ${LIMIT}s budget"
	done
elif ! metadata_vs_static; then
	for op in SyncUpdates GetExtendedUpdateInfo; do
		figure "metadata vs static: $op" "not measured" "" "" "$MS_WHY"
	done
else
	for op in SyncUpdates GetExtendedUpdateInfo; do
		ow=$(awk '{ print $1 }' "$W/ms.ow.$op" | median)
		ng=$(awk '{ print $1 }' "$W/ms.ng.$op" | median)
		errs=$(cat "$W/ms.ow.$op" "$W/ms.ng.$op" | awk '{ e += $3 } END { print e + 0 }')
		size=$(stat -c %s "$W/meta/$op.ans")
		figure "metadata vs static: $op" \
			"$(awk -v a="$ow" -v b="$ng" 'BEGIN { if (b > 0) printf "%.1f", 100 * a / b; else print "n/a" }')" \
			"% of nginx" "" \
			"the same $size-byte answer: openwsus computes it at $ow requests/s, nginx serves it as a static file at $ng requests/s (HTTPS, $MS_CONNS connections, wrk, median of $MS_ROUNDS runs of ${MS_SECONDS}s each, in turn); $errs errors"
	done
fi
bench_stop_openwsus
echo "storm: done in $(( $(date +%s) - START ))s"
exit 0
