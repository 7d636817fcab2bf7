#!/usr/bin/env bash
# Uploads flow-capture directory trees to edgeping's flow archive (bash and curl only).
#
#   EDGEPING_TOKEN=... scripts/archive-upload.sh BASE_URL ROUTER DIR [DIR...]
#   EDGEPING_TOKEN=... scripts/archive-upload.sh http://localhost:8787 rtr8 /var/db/flows/rtr8
#
# Every ft-v* file under each DIR goes to PUT BASE_URL/flows/archive/ROUTER/<path under DIR>
# (flow-capture's YYYY/YYYY-MM/YYYY-MM-DD tree; the archive keeps the base name). Files up to
# ARCHIVE_PART_BYTES go in one PUT; larger ones as a multipart upload in parts of that size
# (cut with dd), each part retried on its own, so a dropped connection costs one part, not the
# file. A request that fails with a network error or a 5xx is retried ARCHIVE_RETRIES times
# (1, 2, 4... s apart); a 4xx is final (the problem's detail is printed). Exit status 1 when any
# file failed, each named on stderr as "failed: FILE: reason".
#
# A multipart upload survives the script: its upload id and the etags of the parts sent are kept
# in ARCHIVE_STATE_DIR, so running the same command again after a failure or a kill sends only
# the missing parts (R2 drops an unfinished upload after about 7 days; the script then starts
# that file over).
#
# Environment: EDGEPING_TOKEN (required), ARCHIVE_PART_BYTES (default 16777216; at least
# 5242880, R2's minimum part; at most 104857600, one request), ARCHIVE_RETRIES (default 4),
# ARCHIVE_STATE_DIR (default ${XDG_STATE_HOME:-~/.local/state}/edgeping-archive-upload).
set -euo pipefail

if [[ $# -lt 3 ]]; then
  echo "usage: EDGEPING_TOKEN=... $0 BASE_URL ROUTER DIR [DIR...]" >&2
  exit 2
fi
if [[ -z ${EDGEPING_TOKEN:-} ]]; then
  echo "$0: set EDGEPING_TOKEN to the Worker's API token" >&2
  exit 2
fi
base=${1%/}
router=$2
shift 2
part_bytes=${ARCHIVE_PART_BYTES:-16777216}
retries=${ARCHIVE_RETRIES:-4}
if ((part_bytes < 5242880 || part_bytes > 104857600)); then
  echo "$0: ARCHIVE_PART_BYTES must be 5242880 (5 MiB) to 104857600 (100 MiB)" >&2
  exit 2
fi

state_dir=${ARCHIVE_STATE_DIR:-${XDG_STATE_HOME:-$HOME/.local/state}/edgeping-archive-upload}
mkdir -p "$state_dir"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
auth=(-H "Authorization: Bearer $EDGEPING_TOKEN")
body=$work/body
status=

# request CURL-ARGS...: runs curl with retries; sets $status, the answer is in $body.
# Returns 0 for a 2xx, 1 otherwise.
request() {
  local attempt=0 delay=1
  while :; do
    status=$(curl -sS -o "$body" -w '%{http_code}' "${auth[@]}" "$@") || status=000
    if [[ $status == 2?? ]]; then return 0; fi
    if [[ $status != 000 && $status != 5?? ]] || ((attempt >= retries)); then return 1; fi
    attempt=$((attempt + 1))
    echo "retrying in ${delay}s (HTTP $status): ${*: -1}" >&2
    sleep "$delay"
    delay=$((delay * 2))
  done
}

# What went wrong, from a problem+json answer (its detail), else the status.
reason() {
  local text
  text=$(cat "$body" 2>/dev/null || true)
  if [[ $text =~ \"detail\":\"([^\"]*)\" ]]; then
    echo "HTTP $status: ${BASH_REMATCH[1]}"
  else
    echo "HTTP $status"
  fi
}

# json_field NAME: a string field of the last answer.
json_field() {
  local text
  text=$(cat "$body")
  [[ $text =~ \"$1\":\"([^\"]*)\" ]] && echo "${BASH_REMATCH[1]}"
}

# state_file URL: where the upload of URL keeps its id and sent parts (cksum is POSIX, so the
# script runs on FreeBSD as on Linux).
state_file() {
  local sum
  sum=$(printf '%s' "$1" | cksum)
  echo "$state_dir/${1##*/}.${sum%% *}"
}

upload_multipart() {
  local file=$1 url=$2 size=$3 id= parts= n count etag state stamp line
  local -A sent=()
  state=$(state_file "$url")
  # The size and modification time tell a resumable upload from one of an older file.
  stamp="$size $(date -r "$file" +%s)"
  if [[ -f $state ]]; then
    read -r line <"$state"
    if [[ $line == "$stamp "* ]]; then
      id=${line##* }
      while read -r n etag; do sent[$n]=$etag; done < <(tail -n +2 "$state")
      echo "resuming $file: ${#sent[@]} part(s) already sent" >&2
    fi
  fi
  if [[ -z $id ]]; then
    head -c 65536 "$file" >"$work/head"
    if ! request --data-binary @"$work/head" -H 'content-type: application/octet-stream' "$url?uploads"; then
      echo "failed: $file: start: $(reason)" >&2
      return 1
    fi
    id=$(json_field uploadId)
    echo "$stamp $id" >"$state"
  fi
  count=$(((size + part_bytes - 1) / part_bytes))
  for ((n = 1; n <= count; n++)); do
    if [[ -z ${sent[$n]:-} ]]; then
      dd if="$file" of="$work/part" bs="$part_bytes" skip=$((n - 1)) count=1 2>/dev/null
      if ! request -X PUT --data-binary @"$work/part" -H 'content-type: application/octet-stream' \
        "$url?uploadId=$id&partNumber=$n"; then
        if [[ $status == 404 ]]; then
          rm -f "$state"
          echo "failed: $file: part $n of $count: $(reason); run again to start this file over" >&2
        else
          echo "failed: $file: part $n of $count: $(reason); run again to resume" >&2
        fi
        return 1
      fi
      sent[$n]=$(json_field etag)
      echo "$n ${sent[$n]}" >>"$state"
    fi
    parts+="${parts:+,}{\"partNumber\":$n,\"etag\":\"${sent[$n]}\"}"
  done
  if ! request -H 'content-type: application/json' --data-binary "{\"parts\":[$parts]}" \
    "$url?uploadId=$id"; then
    echo "failed: $file: complete: $(reason)" >&2
    if [[ $status == 4?? ]]; then
      # Refused for good (unknown upload, or a header that does not match): start over next time.
      request -X DELETE "$url?uploadId=$id" || true
      rm -f "$state"
    fi
    return 1
  fi
  rm -f "$state"
}

done_files=0 multipart=0 failed=0
for dir in "$@"; do
  dir=${dir%/}
  while IFS= read -r -d '' file; do
    url="$base/flows/archive/$router/${file#"$dir"/}"
    size=$(wc -c <"$file")
    size=$((size + 0))
    if ((size > part_bytes)); then
      if upload_multipart "$file" "$url" "$size"; then
        done_files=$((done_files + 1)) multipart=$((multipart + 1))
      else
        failed=$((failed + 1))
      fi
    elif request -T "$file" "$url"; then
      done_files=$((done_files + 1))
    else
      echo "failed: $file: $(reason)" >&2
      failed=$((failed + 1))
    fi
  done < <(find "$dir" -type f -name 'ft-v*' -print0 | sort -z)
done

echo "uploaded $done_files files ($multipart in parts), $failed failed"
((failed == 0))
