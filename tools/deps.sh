#!/bin/sh
# SPDX-License-Identifier: MIT
# Installs the Debian 12 packages openwsus needs to build, test, benchmark
# (nginx and wrk, for `make bench`) and run, and creates the service user
# 'openwsus'.
# Idempotent: when every package is already installed it does nothing.
set -eu
PKGS="build-essential pkg-config clang libclang-rt-14-dev \
libevent-dev node-llhttp libinih-dev libsqlite3-dev libssl-dev libexpat1-dev \
libsodium-dev libjansson-dev libcurl4-openssl-dev \
openssl curl ca-certificates procps iproute2 sqlite3 python3 xxd \
systemd testssl.sh sslscan \
nginx wrk"
missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done
# The unprivileged user 'serve' runs as once its ports are bound.
if [ "$(id -u)" = 0 ] && ! getent passwd openwsus >/dev/null; then
	useradd --system --no-create-home --home-dir /nonexistent \
		--shell /usr/sbin/nologin openwsus
fi
[ -z "$missing" ] && exit 0
if [ "$(id -u)" != 0 ]; then
	echo "openwsus: missing packages:$missing; run 'make deps' as root" >&2
	exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update
apt-get install -y --no-install-recommends $missing
