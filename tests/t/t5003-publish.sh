#!/usr/bin/env bash
# SPDX-License-Identifier: MIT
# Local publishing: a signed installer becomes an update with its digests;
# no trusted publisher, an untrusted or tampered signature, a remote file
# origin, wrong digests and a Reporter are all refused, and nothing of a
# refused publication reaches the catalog.
. "$(dirname "$0")/lib.sh"

D="$T/data"
init_data "$D" || { fail "init"; exit 1; }
printf 'correct horse battery\n' | "$OPENWSUS" user add --data "$D" alice --role administrators >/dev/null
printf 'reporter password 1\n' | "$OPENWSUS" user add --data "$D" bob --role reporters >/dev/null
expect "init made trusted-publishers/ 0700" "$(stat -c %a "$D/trusted-publishers")" 700

# A publisher CA with a code-signing publisher, and an unrelated one.
(
	cd "$T" &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 5 -subj '/CN=Publisher CA' \
		-keyout ca.key -out ca.pem -addext basicConstraints=critical,CA:TRUE -addext keyUsage=critical,keyCertSign &&
	openssl req -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -subj '/O=Example/CN=Example Publisher' \
		-keyout pub.key -out pub.csr &&
	printf 'extendedKeyUsage=codeSigning\n' >cs.ext &&
	openssl x509 -req -in pub.csr -CA ca.pem -CAkey ca.key -days 4 -extfile cs.ext -out pub.pem &&
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 5 -subj '/CN=Mallory' \
		-keyout evil.key -out evil.pem -addext extendedKeyUsage=codeSigning
) >/dev/null 2>&1 || { fail "openssl made the test PKI"; exit 1; }

head -c 7000000 /dev/urandom >"$T/setup.exe"
start_server "$D" || { fail "server starts"; exit 1; }
pub() {
	OPENWSUS_PASSWORD=${PW:-'correct horse battery'} "$OPENWSUS" publish --server "https://$FQDN:$HTTPS_PORT" \
		--ca "$D/tls/ca.pem" --resolve "$FQDN:$HTTPS_PORT:127.0.0.1" --user "${U:-alice}" \
		--file "$T/setup.exe" --title "Example tool 1.0" --description "Installs the example tool" \
		--args "/quiet /norestart" --installed-if-exists /opt/example/VERSION "$@"
}

out=$(pub --sign-cert "$T/pub.pem" --sign-key "$T/pub.key" 2>&1)
expect "no trusted publisher: refused (exit 1)" "$?" 1
expect_match "...saying so" "$out" "no trusted publisher"

cp "$T/ca.pem" "$D/trusted-publishers/example-ca.pem"
out=$(pub --sign-cert "$T/evil.pem" --sign-key "$T/evil.key" 2>&1)
expect "an untrusted publisher is refused" "$?" 1
expect_match "...because the signature does not verify" "$out" "does not verify against the trusted publishers"
out=$(U=bob PW='reporter password 1' pub --sign-cert "$T/pub.pem" --sign-key "$T/pub.key" 2>&1)
expect "a Reporter cannot publish" "$?" 1
expect_match "...read-only" "$out" "read-only"
out=$(pub --sign-cert "$T/pub.pem" --sign-key "$T/evil.key" 2>&1)
expect "a key that does not match the certificate is refused locally" "$?" 1

id=$(pub --sign-cert "$T/pub.pem" --sign-key "$T/pub.key" --return-code 0:succeeded --return-code 1641:succeeded:reboot)
expect "a trusted publication is accepted (exit 0)" "$?" 0
expect_match "...and prints the new update id" "$id" '^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$'

API=$(https_url /ApiRemoting30/api/v1)
A=(-u 'alice:correct horse battery')
oc "$D" -o "$T/body" "${A[@]}" "$API/updates/$id"
expect_match "the update is in the catalog with its title" "$(cat "$T/body")" '"title":"Example tool 1.0"'
sha=$(sha1sum "$T/setup.exe" | cut -c1-40 | tr a-f A-F)
sha256=$(sha256sum "$T/setup.exe" | cut -c1-64 | tr a-f A-F)
expect "the document's file has the installer's SHA-1 and SHA-256" \
	"$(sqlite3 "$D/store.db" "select sha1||' '||sha256||' '||size from revision_file f join update_revision r using (revision_id) where r.update_id='$id'")" \
	"$sha $sha256 7000000"
oc "$D" -o "$T/got" "$(http_url "/Content/${sha:38:2}/$sha.exe")"
check "the installer is served on the content port, byte-identical" cmp -s "$T/got" "$T/setup.exe"
expect "the signature is kept" "$(sqlite3 "$D/store.db" "select signer from publication where update_id='$id'")" "CN=Example Publisher,O=Example"
doc=$(sqlite3 "$D/store.db" "select doc from update_revision where update_id='$id'")
check "the document carries the handler's arguments" grep -q 'Arguments="/quiet /norestart"' <<<"$doc"
check "...the return codes" grep -q '<cmd:ReturnCode Code="1641" Result="Succeeded" Reboot="true" />' <<<"$doc"
check "...and the FileExists rule" grep -q '<bar:FileExists Path="/opt/example/VERSION" />' <<<"$doc"
expect "the upload is gone after the publication" "$(ls "$D/uploads" | wc -l)" 0
oc "$D" -o "$T/body" "${A[@]}" "$API/audit"
expect_match "the audit trail names the publisher" "$(cat "$T/body")" '"action":"update.publish".*signed by CN=Example Publisher'

# Hand-made publications through the API: tampered, remote origin, wrong digests.
revisions() { sqlite3 "$D/store.db" 'select count(*) from update_revision'; }
before=$(revisions)
post_pub() { # DOC SIGNATURE_FILE UPLOAD_ID
	local sig
	sig=$(base64 -w0 "$2")
	printf '{"document":%s,"signature":"%s","files":{"setup.exe":"%s"}}' \
		"$(sed 's/\\/\\\\/g; s/"/\\"/g; s/^/"/; s/$/"/' <"$1")" "$sig" "$3" >"$T/req.json"
	oc "$D" -o "$T/body" -w '%{http_code}' "${A[@]}" -X POST --data-binary @"$T/req.json" "$API/publications"
}
new_upload() { # FILE: uploads it in 3 MiB pieces, prints the upload id
	local uid off=0 piece
	uid=$(oc "$D" "${A[@]}" -X POST "$API/uploads" | sed -n 's/.*"upload_id":"\([^"]*\)".*/\1/p')
	rm -rf "$T/pieces" && mkdir "$T/pieces" && split -b 3145728 "$1" "$T/pieces/p."
	for piece in "$T"/pieces/p.*; do
		oc "$D" -o /dev/null "${A[@]}" -X PUT --data-binary @"$piece" "$API/uploads/$uid?offset=$off"
		off=$((off + $(stat -c %s "$piece")))
	done
	echo "$uid"
}
sign() { openssl cms -sign -binary -md sha256 -outform DER -signer "$T/pub.pem" -inkey "$T/pub.key" -in "$1" -out "$2"; }
d1=$(printf '%s' "$sha" | xxd -r -p | base64)
d256=$(printf '%s' "$sha256" | xxd -r -p | base64)
mkdoc() { # ID ORIGIN_ATTR SHA1_B64
	printf '<upd:Update xmlns:upd="http://schemas.microsoft.com/msus/2002/12/Update"><upd:UpdateIdentity UpdateID="%s" RevisionNumber="100" /><upd:Properties UpdateType="Software" /><upd:LocalizedPropertiesCollection><upd:LocalizedProperties><upd:Language>en</upd:Language><upd:Title>hand made</upd:Title></upd:LocalizedProperties></upd:LocalizedPropertiesCollection><upd:Files><upd:File Digest="%s" DigestAlgorithm="SHA1" FileName="setup.exe" Size="7000000"%s><upd:AdditionalDigest Algorithm="SHA256">%s</upd:AdditionalDigest></upd:File></upd:Files></upd:Update>' \
		"$1" "$3" "$2" "$d256"
}
mkdoc 11111111-2222-4333-8444-555555555555 "" "$d1" >"$T/good.xml"
sign "$T/good.xml" "$T/good.p7s" || fail "openssl cms signs"
sed 's/hand made/hand mad3/' "$T/good.xml" >"$T/tampered.xml"
expect "a tampered document is refused (403)" "$(post_pub "$T/tampered.xml" "$T/good.p7s" "$(new_upload "$T/setup.exe")")" 403
mkdoc 11111111-2222-4333-8444-555555555556 ' OriginUri="\\\\fileserver\\share\\setup.exe"' "$d1" >"$T/remote.xml"
sign "$T/remote.xml" "$T/remote.p7s"
expect "a signed document with a remote origin is refused (400)" "$(post_pub "$T/remote.xml" "$T/remote.p7s" "$(new_upload "$T/setup.exe")")" 400
expect_match "...with the guide's reason" "$(cat "$T/body")" "remote origin.*(signature|unsigned)"
head -c 7000000 /dev/zero >"$T/other.exe"
expect "an upload whose digests differ from the document is refused (400)" "$(post_pub "$T/good.xml" "$T/good.p7s" "$(new_upload "$T/other.exe")")" 400
uid=$(oc "$D" "${A[@]}" -X POST "$API/uploads" | sed -n 's/.*"upload_id":"\([^"]*\)".*/\1/p')
expect "a piece over the body limit is 413" "$(oc "$D" -o /dev/null -w '%{http_code}' "${A[@]}" -X PUT -H 'Expect:' --data-binary @"$T/setup.exe" "$API/uploads/$uid?offset=0")" 413
head -c 1000 "$T/setup.exe" >"$T/p1"
oc "$D" -o /dev/null "${A[@]}" -X PUT --data-binary @"$T/p1" "$API/uploads/$uid?offset=0"
expect "a piece at the wrong offset is 409" "$(oc "$D" -o "$T/body" -w '%{http_code}' "${A[@]}" -X PUT --data-binary @"$T/p1" "$API/uploads/$uid?offset=0")" 409
expect_match "...and says where to continue" "$(cat "$T/body")" '"size":1000'
expect "refused publications add no revision" "$(revisions)" "$before"
expect "the openssl-signed document itself is accepted" "$(post_pub "$T/good.xml" "$T/good.p7s" "$(new_upload "$T/setup.exe")")" 201
expect "...and adds one revision" "$(revisions)" $((before + 1))
stop_server
expect "SIGTERM exits 0" "$STOP_STATUS" 0

# Abandoned uploads: cleanup removes those older than a day, keeps fresh ones.
old=$(ls "$D/uploads" | head -n 1)
check "refused hand-made publications left uploads behind" test -n "$old"
touch -d '2 days ago' "$D/uploads/$old"
fresh=$(ls "$D/uploads" | wc -l)
out=$("$OPENWSUS" cleanup --data "$D" --content)
expect_match "cleanup reports the abandoned upload" "$out" "removed 1 abandoned upload"
check "the old upload is gone" test ! -e "$D/uploads/$old"
expect "fresh uploads stay" "$(ls "$D/uploads" | wc -l)" $((fresh - 1))
finish
