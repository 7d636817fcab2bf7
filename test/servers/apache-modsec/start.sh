#!/usr/bin/env bash
# Starts the fixture's Apache + ModSecurity by hand, for trying the referer probe with `npm start`
# (the tests start their own copy on ephemeral ports). Usage: start.sh [port], default 8081.
# Needs root (Apache drops to www-data) and: apt-get install apache2 libapache2-mod-security2
set -euo pipefail
port="${1:-8081}"
fixture="$(cd "$(dirname "$0")/../../fixtures/modsec" && pwd)"
dir="$(mktemp -d /tmp/edgeping-modsec-XXXXXX)"
chmod 755 "$dir" # www-data must traverse it, or every request gets a 403 that looks like a block
cp -r "$fixture/." "$dir/"
sed -i "s|@FIXTURE_DIR@|$dir|g" "$dir/httpd.conf" "$dir/validate.conf"
sed -i "s|^Listen 127.0.0.1:8081$|Listen 127.0.0.1:$port|" "$dir/httpd.conf"
mkdir -p "$dir/run" "$dir/logs" "$dir/data" "$dir/tmp"
chown www-data:www-data "$dir/data" "$dir/tmp" 2>/dev/null || true
apache2 -t -f "$dir/httpd.conf"
apache2 -f "$dir/httpd.conf" -k start
echo "Apache + ModSecurity on http://127.0.0.1:$port/ (rules: $dir/referer-rules.conf)"
echo "stop: apache2 -f $dir/httpd.conf -k stop && rm -rf $dir"
