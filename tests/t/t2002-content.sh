#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# The content port: files by digest with the headers BITS and Delivery
# Optimization need, the four real Delivery Optimization range requests of
# ../shared/fixtures replayed byte for byte, and path traversal refused.
. "$(dirname "$0")/lib.sh"

FIX=$(cd "$(dirname "$0")/../.." && pwd)/../shared/fixtures/wsus-rs/docs/fixtures/wsus-m0-native/content-headers
D="$T/data"
init_data "$D" || { fail "init"; exit 1; }

# A 918,944-byte file (the size in the whole-file capture) and a sparse
# 204,745,168-byte one (the large capture).
head -c 918944 /dev/urandom >"$T/small.exe"
truncate -s 204745168 "$T/large.exe"
printf 'tail bytes' | dd of="$T/large.exe" bs=1 seek=204745150 conv=notrunc 2>/dev/null
small=$("$OPENWSUS" content import --data "$D" "$T/small.exe")
check "content import prints a /Content path" test -n "$small"
expect_match "path has the XX/<SHA1>.<ext> grammar" "$small" '^/Content/[0-9A-F]{2}/[0-9A-F]{38}([0-9A-F]{2})\.exe$'
sha=$(sha1sum "$T/small.exe" | cut -c1-40 | tr a-f A-F)
expect "the name is the file's SHA-1" "$small" "/Content/${sha:38:2}/$sha.exe"
check "the stored file is byte-identical" cmp -s "$D/content/${sha:38:2}/$sha.exe" "$T/small.exe"
expect "stored file is 0644" "$(stat -c %a "$D/content/${sha:38:2}/$sha.exe")" 644
again=$("$OPENWSUS" content import --data "$D" "$T/small.exe")
expect "importing twice is a no-op with the same path" "$again" "$small"
expect "no temporary files are left" "$(find "$D/content" -type f | wc -l)" 1
large=$("$OPENWSUS" content import --data "$D" "$T/large.exe")
check "large import" test -n "$large"
out=$("$OPENWSUS" content import --data "$D" "$T" 2>&1)
expect "importing a directory fails" "$?" 1

start_server "$D" || { fail "server starts"; exit 1; }

# Whole file, HEAD, single range, suffix, multi-range, 416.
oc "$D" -o "$T/got" -D "$T/h" "$(http_url "$small")"
check "GET whole file is byte-exact" cmp -s "$T/got" "$T/small.exe"
expect_match "200 with Content-Length" "$(cat "$T/h")" $'HTTP/1.1 200 OK\r'
expect_match "Content-Length exact" "$(cat "$T/h")" $'Content-Length: 918944\r'
expect_match "Accept-Ranges: bytes" "$(cat "$T/h")" $'Accept-Ranges: bytes\r'
expect_match "ETag is the SHA-1, quoted" "$(cat "$T/h")" "ETag: \"$sha\""
expect_match "Last-Modified is an HTTP date" "$(cat "$T/h")" 'Last-Modified: [A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT'
oc "$D" -I -o /dev/null -D "$T/h" "$(http_url "$small")"
expect_match "HEAD gives the exact Content-Length" "$(cat "$T/h")" $'Content-Length: 918944\r'
expect "HEAD sends no body" "$(oc "$D" -I -s "$(http_url "$small")" | wc -c)" "$(wc -c <"$T/h")"
oc "$D" -o "$T/got" -D "$T/h" -H 'Range: bytes=100-199' "$(http_url "$small")"
check "206 single range bytes are exact" cmp -s "$T/got" <(tail -c +101 "$T/small.exe" | head -c 100)
expect_match "Content-Range of a single range" "$(cat "$T/h")" $'Content-Range: bytes 100-199/918944\r'
oc "$D" -o "$T/got" -H 'Range: bytes=-50' "$(http_url "$small")"
check "suffix range is the last 50 bytes" cmp -s "$T/got" <(tail -c 50 "$T/small.exe")
oc "$D" -o "$T/got" -D "$T/h" -H 'Range: bytes=0-9,500-509' "$(http_url "$small")"
ctype=$(grep -i '^Content-Type:' "$T/h" | tr -d '\r')
expect_match "multi-range is multipart/byteranges" "$ctype" 'multipart/byteranges; boundary=[0-9a-f]+'
b=${ctype##*boundary=}
expect "multipart body length equals Content-Length" "$(wc -c <"$T/got")" "$(grep -i '^Content-Length:' "$T/h" | tr -dc 0-9)"
check "multipart carries both Content-Range lines" grep -q "Content-Range: bytes 500-509/918944" "$T/got"
expect "multipart ends with the closing boundary" "$(tail -c $((${#b} + 8)) "$T/got" | tr -d '\r\n')" "--$b--"
code=$(oc "$D" -o /dev/null -D "$T/h" -w '%{http_code}' -H 'Range: bytes=918944-' "$(http_url "$small")")
expect "range past the end is 416" "$code" 416
expect_match "416 carries Content-Range: bytes */size" "$(cat "$T/h")" $'Content-Range: bytes \\*/918944\r'
code=$(oc "$D" -o "$T/got" -w '%{http_code}' -H 'Range: bytes=0-9' -H "If-Range: \"$sha\"" "$(http_url "$small")")
expect "If-Range with the current ETag gives 206" "$code" 206
code=$(oc "$D" -o "$T/got" -w '%{http_code}' -H 'Range: bytes=0-9' -H 'If-Range: "stale"' "$(http_url "$small")")
expect "If-Range with another ETag gives the whole file (200)" "$code" 200
code=$(oc "$D" -o /dev/null -w '%{http_code}' -H "If-None-Match: \"$sha\"" "$(http_url "$small")")
expect "If-None-Match with the ETag gives 304" "$code" 304
code=$(oc "$D" -o /dev/null -w '%{http_code}' -X POST --data x "$(http_url "$small")")
expect "POST to content is 405" "$code" 405
code=$(oc "$D" -o /dev/null -w '%{http_code}' "$(http_url "$(echo "$small" | tr A-F a-f | sed 's,/content/,/Content/,')")")
expect "lower-case hex names the same file" "$code" 200

# The real Delivery Optimization requests, replayed as captured (Host
# rewritten to this server); the response must carry the same status,
# Content-Range, Content-Length and the headers DO relies on.
for dir in whole-file-single-range first-range-by-offset middle-range final-range; do
	req="$FIX/$dir/request.headers"
	want="$FIX/$dir/response.headers"
	if [ ! -f "$req" ]; then
		fail "fixture $dir missing"
		continue
	fi
	path=$(head -n 1 "$req" | cut -d' ' -f2)
	case $path in
	*6103D9F6*) ours=$small ;;
	*) ours=$large ;;
	esac
	reply=$(sed -e "s#$path#$ours#" -e "s#^Host: .*#Host: $FQDN:$HTTP_PORT\r#" "$req" |
		RAW_WAIT=3 raw "$HTTP_PORT" | head -c 4096 | sed -n '1,/^\r$/p')
	for h in "HTTP/1.1 206 Partial Content" "$(grep -a '^Content-Range:' "$want" | tr -d '\r')" \
		"$(grep -a '^Content-Length:' "$want" | tr -d '\r')" "Accept-Ranges: bytes"; do
		check "$dir: $h" grep -qF "$h" <<<"$reply"
	done
	for h in ETag Last-Modified Content-Type; do
		check "$dir: $h present" grep -q "^$h: " <<<"$reply"
	done
done
oc "$D" -o "$T/got" -H 'Range: bytes=204745150-204745159' "$(http_url "$large")"
expect "final range of the large file is exact" "$(cat "$T/got")" "tail bytes"

# Path traversal and grammar violations never reach the filesystem.
cp "$D/openwsus.conf" "$D/content/secret.exe" 2>/dev/null
for p in "/Content/../openwsus.conf" "/Content/%2e%2e/openwsus.conf" "/Content/${sha:38:2}/..%2f..%2fopenwsus.conf" \
	"/Content/${sha:38:2}/$sha.exe%00" "/Content/${sha:38:2}\\$sha.exe" "/Content/00/$sha.exe" \
	"/Content/${sha:38:2}/${sha:0:39}.exe" "/Content/secret.exe" "/Content/${sha:38:2}/$sha.exe/" \
	"/Content/${sha:38:2}/$sha.e.xe" "/Content//${sha:38:2}/$sha.exe" "/Content/${sha:38:2}/$sha.toolongext"; do
	code=$(curl -sS --max-time 10 --path-as-is -o "$T/got" -w '%{http_code}' "http://127.0.0.1:$HTTP_PORT$p")
	check "refused: $p ($code)" test "$code" = 404 -o "$code" = 400
	check "nothing served for $p" bash -c "! grep -q 'fqdn' '$T/got'"
done
code=$(printf 'GET /Content/%s/%s.exe\0 HTTP/1.1\r\nHost: x\r\n\r\n' "${sha:38:2}" "$sha" | RAW_WAIT=2 raw "$HTTP_PORT" 2>/dev/null | head -n 1 | cut -d' ' -f2)
expect "raw NUL in the request line is 400" "$code" 400

# Content on the HTTPS port is refused unless content_over_https = true.
code=$(oc "$D" -o "$T/got" -w '%{http_code}' "$(https_url "$small")")
expect "content on HTTPS is refused (403)" "$code" 403
expect_match "...with a clear message" "$(cat "$T/got")" "served on the HTTP port $HTTP_PORT"
stop_server
sed -i 's/^content_over_https = false/content_over_https = true/' "$D/openwsus.conf"
start_server "$D" || { fail "server restarts"; exit 1; }
oc "$D" -o "$T/got" -H 'Range: bytes=1000-918943' "$(https_url "$small")"
check "with content_over_https, HTTPS serves exact ranges" cmp -s "$T/got" <(tail -c +1001 "$T/small.exe")
oc "$D" -o "$T/got" "$(https_url "$small")"
check "with content_over_https, HTTPS serves the whole file" cmp -s "$T/got" "$T/small.exe"
stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0
finish
