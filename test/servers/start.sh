#!/usr/bin/env bash
# Runs the loopback DNS servers in the foreground for local development (Ctrl-C stops both):
# unbound authoritative for the test zones on 127.0.0.1:5353, dnsdist DoH on 127.0.0.1:8054 and
# [::1]:8054. Then `npm run dev:local-dns` points the Worker at them.
# (npm test starts and stops its own instances; this script is only for trying things by hand.)
set -euo pipefail
cd "$(dirname "$0")/../.."
command -v unbound >/dev/null && command -v dnsdist >/dev/null || {
  echo "needs unbound and dnsdist: apt-get install unbound dnsdist" >&2; exit 1; }
mkdir -p .fixtures
unbound -d -c test/servers/unbound.conf &
unbound_pid=$!
dnsdist --supervised --disable-syslog -C test/servers/dnsdist.conf &
dnsdist_pid=$!
trap 'kill $unbound_pid $dnsdist_pid 2>/dev/null' EXIT INT TERM
echo "DoH on http://127.0.0.1:8054/dns-query (zones example.test, legacy.test, dual.test)"
wait
