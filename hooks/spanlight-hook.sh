#!/bin/sh
# Spanlight command hook for Claude Code (POSIX sh + curl). spanlight-hook-version: 2
#
# Claude Code runs this for a hook event with the event's JSON on stdin. The hook never makes the
# agent wait: it writes the payload to the spool directory and hands delivery to a
# background process, then exits 0 with nothing on stdout (a hook's stdout can be read as a
# decision). The background process delivers every spooled payload, oldest first, under a lock;
# when the server cannot be reached the payloads stay spooled and the next hook delivers them.
# Every payload keeps one idempotency key and its original time across retries, so a payload
# sent twice is stored once and a late one keeps its real time.
#
# Environment (all optional):
#   SPANLIGHT_URL      endpoint or base URL (default http://127.0.0.1:9292/v1/hooks/claude-code);
#                      the older TELEMETRY_URL is honoured when SPANLIGHT_URL is unset
#   SPANLIGHT_TOKEN    bearer token
#   SPANLIGHT_ENABLED  0/false turns the hook off (TELEMETRY_ENABLED likewise)
#   SPANLIGHT_SPOOL    spool directory (default ~/.spanlight/spool)
#   SPANLIGHT_SPOOL_MAX_FILES / SPANLIGHT_SPOOL_MAX_KB   spool bound (default 5000 payloads / 102400 KiB);
#                      past it the oldest payloads are dropped and counted in <spool>/.dropped
#   SPANLIGHT_AGENT_ID (else CLAUDE_INSTANCE_ID, else the host name), SPANLIGHT_CONTAINER_ID,
#   SPANLIGHT_WORKFLOW_ID, SPANLIGHT_NODE_ID   context sent as X-Spanlight-* headers
#   SPANLIGHT_HOOK_LOG file that gets one line per delivery attempt (for `spanlight doctor`)

# ---- foreground: all that Claude Code waits for --------------------------------------------
# It comes first and ends in `exit`, so the shell never even parses the delivery code below.

# Payloads hold prompts and commands: the spool and its files are the user's alone.
umask 077
spool=${SPANLIGHT_SPOOL:-${HOME:-${TMPDIR:-/tmp}/spanlight-$(id -u)}/.spanlight/spool}
if [ -z "${SPANLIGHT_SPOOL:-}" ] && [ -z "${HOME:-}" ]; then
  # Without HOME the spool is under /tmp, where another user could have made the directory first
  # (to read payloads, or plant a .url): use it only if it is ours, and keep it ours alone.
  tmp_home=${spool%/.spanlight/spool}
  mkdir -p "$tmp_home" 2>/dev/null
  if ! { [ -O "$tmp_home" ] && [ ! -L "$tmp_home" ] && chmod 700 "$tmp_home"; } 2>/dev/null; then
    # By hand, say why (a hook would wait on a terminal's stdin); as a hook, drop the payload quietly.
    [ "${1:-}" = --flush ] || exec cat >/dev/null 2>&1
    echo "spanlight-hook: no spool: HOME is not set and $tmp_home is not a directory of your own (set HOME or SPANLIGHT_SPOOL)" >&2
    exit 1
  fi
fi
if [ "${1:-}" != --deliver ] && [ "${1:-}" != --flush ]; then
  case "${SPANLIGHT_ENABLED:-${TELEMETRY_ENABLED:-1}}" in
    # Any case, as the Python hook reads it (Off, NO, False).
    0 | [Ff][Aa][Ll][Ss][Ee] | [Nn][Oo] | [Oo][Ff][Ff]) exec cat >/dev/null 2>&1 ;;
  esac
  [ -d "$spool" ] || mkdir -p "$spool" 2>/dev/null || exec cat >/dev/null 2>&1
  in="$spool/.in.$$"
  # Braces: a spool where the file cannot be created fails the redirection itself, whose message
  # a plain `2>/dev/null` on `cat` would not catch.
  if { cat >"$in"; } 2>/dev/null && [ -s "$in" ]; then
    # Claude Code waits until the hook's stdout and stderr close, not only for its exit: let go
    # of them before starting the delivery, which then cannot hold them open.
    exec </dev/null >/dev/null 2>&1
    sh "$0" --deliver "$in" &
  else
    cat >/dev/null 2>&1
    rm -f "$in"
  fi
  exit 0
fi

# ---- background delivery -------------------------------------------------------------------

# Ignore the terminal's hang-up and interrupt: delivery may outlive the agent's session.
trap '' HUP INT
export LC_ALL=C

hook_log() {
  [ -n "${SPANLIGHT_HOOK_LOG:-}" ] && printf '%s\n' "$*" >>"$SPANLIGHT_HOOK_LOG" 2>/dev/null
  return 0
}

# Seconds.nanoseconds since the epoch → ISO 8601 UTC with milliseconds, without forking `date`
# (days → civil date after H. Hinnant's algorithm; POSIX arithmetic is at least 64-bit in dash).
iso_time() {
  s=${1%?????????}
  frac=${1#"$s"}
  ms=${frac%??????}
  s=${s#"${s%%[!0]*}"} # leading zeros would read as octal
  s=${s:-0}
  d=$((s / 86400))
  t=$((s % 86400))
  z=$((d + 719468))
  era=$((z / 146097))
  doe=$((z - era * 146097))
  yoe=$(((doe - doe / 1460 + doe / 36524 - doe / 146096) / 365))
  y=$((yoe + era * 400))
  doy=$((doe - (365 * yoe + yoe / 4 - yoe / 100)))
  mp=$(((5 * doy + 2) / 153))
  day=$((doy - (153 * mp + 2) / 5 + 1))
  if [ "$mp" -lt 10 ]; then mon=$((mp + 3)); else mon=$((mp - 9)); fi
  [ "$mon" -le 2 ] && y=$((y + 1))
  printf '%04d-%02d-%02dT%02d:%02d:%02d.%sZ' "$y" "$mon" "$day" $((t / 3600)) $((t % 3600 / 60)) $((t % 60)) "$ms"
}

# The file's modification time in nanoseconds: when the hook finished reading its payload.
mtime_ns() {
  ns=$(date -r "$1" +%s%N 2>/dev/null)
  case $ns in
    '' | *[!0-9]*) ns="$(date +%s 2>/dev/null)000000000" ;; # no %N (BSD, small BusyBox): second precision
  esac
  printf '%019d' "$ns"
}

# `.in.<pid>` (written by the hook with that pid) → `<mtime ns>-<pid>.json`, the sortable name.
# File times tick coarsely (4 ms with HZ=250), so hooks fired one after another can share one;
# the zero-padded pid then keeps them in the order they were started.
adopt() {
  pid=${1##*.in.}
  mv -f "$1" "$spool/$(mtime_ns "$1")-$(printf '%07d' "$pid").json" 2>/dev/null
}

# In-flight files whose writer has exited are complete: name them so they are sent in order.
adopt_finished() {
  for f in "$spool"/.in.*; do
    [ -f "$f" ] || continue
    kill -0 "${f##*.in.}" 2>/dev/null || adopt "$f"
  done
}

read_host() {
  host=
  read -r host </proc/sys/kernel/hostname 2>/dev/null || host=$(uname -n 2>/dev/null)
  printf '%s' "$host"
}

# Docker / Podman: the 64-hex container id from the mount table (cgroup v2) or cgroup (v1), short form.
read_container() {
  if [ -n "${SPANLIGHT_CONTAINER_ID:-}" ]; then
    printf '%s' "$SPANLIGHT_CONTAINER_ID"
    return
  fi
  [ -f /.dockerenv ] || [ -f /run/.containerenv ] || [ -n "${container:-}" ] || return 0
  id=$(sed -n 's|.*/containers/\([0-9a-f]\{64\}\)/.*|\1|p' /proc/self/mountinfo 2>/dev/null | head -n 1)
  [ -n "$id" ] || id=$(sed -n 's|.*[/-]\([0-9a-f]\{64\}\).*|\1|p' /proc/self/cgroup 2>/dev/null | head -n 1)
  if [ -n "$id" ]; then printf '%.12s' "$id"; else read_host; fi
}

# The URL comes from the hook's command line (SPANLIGHT_URL=… in Claude Code's settings). It is
# remembered in the spool, so a `--flush` by hand, without that variable, goes where hooks go.
resolve_url() {
  u=${SPANLIGHT_URL:-${TELEMETRY_URL:-}}
  if [ -n "$u" ]; then
    [ "$(cat "$spool/.url" 2>/dev/null)" = "$u" ] || printf '%s\n' "$u" >"$spool/.url" 2>/dev/null
  else
    u=$(cat "$spool/.url" 2>/dev/null)
    u=${u:-http://127.0.0.1:9292/v1/hooks/claude-code}
  fi
  case $u in
    */v1/hooks/claude-code | */hooks) ;;
    */telemetry) u="${u%/telemetry}/v1/hooks/claude-code" ;; # the older TELEMETRY_URL names the envelope endpoint
    *) u="${u%/}/v1/hooks/claude-code" ;;
  esac
  printf '%s' "$u"
}

# A header value as printable ASCII: a newline would end curl's config line (and the header), and
# other bytes cannot be sent in a header at all. Replaced, not refused: the payload still goes out.
header_safe() {
  printf '%s' "$1" | LC_ALL=C tr -c ' -~' '_'
}

# The value without surrounding whitespace: a token read from a CRLF env file ends in \r (the
# server trims its own token the same way).
strip_space() {
  v=${1#"${1%%[![:space:]]*}"}
  printf '%s' "${v%"${v##*[![:space:]]}"}"
}

# curl reads its options from stdin so the token never shows in the process list.
curl_config_value() {
  printf '"%s"' "$(printf '%s' "$1" | sed 's/[\\"]/\\&/g')"
}

# POST a body file with the given keys and times; prints the HTTP status (000: no answer).
post() {
  body=$1 keys=$2 times=$3 type=$4
  {
    echo "url = $(curl_config_value "$url")"
    echo "header = \"Content-Type: $type\""
    echo "header = $(curl_config_value "Idempotency-Key: $keys")"
    echo "header = $(curl_config_value "X-Spanlight-Time: $times")"
    [ -n "$agent" ] && echo "header = $(curl_config_value "X-Spanlight-Agent: $agent")"
    [ -n "$host" ] && echo "header = $(curl_config_value "X-Spanlight-Host: $host")"
    [ -n "$cont" ] && echo "header = $(curl_config_value "X-Spanlight-Container: $cont")"
    [ -n "$workflow" ] && echo "header = $(curl_config_value "X-Spanlight-Workflow: $workflow")"
    [ -n "$node" ] && echo "header = $(curl_config_value "X-Spanlight-Node: $node")"
    [ -n "$token" ] && echo "header = $(curl_config_value "Authorization: Bearer $token")"
  } | curl -s -o "$reply" -w '%{http_code}' --connect-timeout 2 --max-time 10 -X POST \
    --data-binary "@$body" -K - 2>/dev/null
  return 0
}

# Spanlight answers a body it will never take with its JSON error, {"error":{"code":…}}. A bare
# 400 comes from something in between (a proxy, an HTTP parser refusing a header): the payload is
# not at fault, so it stays and is tried again. (A 413 is acted on whoever sends it.)
spanlight_error() {
  first=
  { read -r first <"$1"; } 2>/dev/null
  case $first in '{"error":'*) return 0 ;; esac
  return 1
}

# Items of a delivered batch the server turned down (its answer's "rejected" count).
rejected_in() {
  n=$(sed -n 's/.*"rejected":\([0-9][0-9]*\).*/\1/p' "$1" 2>/dev/null | head -n 1)
  echo "${n:-0}"
}

key_of() {
  n=${1##*/}
  printf '%s-%s' "$host" "${n%.json}"
}

time_of() {
  n=${1##*/}
  iso_time "${n%%-*}"
}

count_in() {
  c=0
  [ -f "$1" ] && read -r c <"$1" 2>/dev/null
  case $c in '' | *[!0-9]*) c=0 ;; esac
  echo $((c + $2)) >"$1.tmp.$$" && mv -f "$1.tmp.$$" "$1"
}

# Sends the given spool files (one request); 0 = handled (delivered or dropped), 1 = retry later.
reply="$spool/.reply.$$"
send() {
  if [ $# -eq 1 ]; then
    code=$(post "$1" "$(key_of "$1")" "$(time_of "$1")" application/json)
  else
    # A JSON array rather than NDJSON: payloads are sent byte for byte and may span lines.
    batch="$spool/.batch.$$"
    keys= times= sep=
    for f in "$@"; do
      keys="$keys$sep$(key_of "$f")"
      times="$times$sep$(time_of "$f")"
      sep=,
    done
    sep=
    {
      printf '['
      for f in "$@"; do
        printf '%s' "$sep"
        cat "$f"
        sep=,
      done
      printf ']'
    } >"$batch"
    code=$(post "$batch" "$keys" "$times" application/json)
    rm -f "$batch"
  fi
  hook_log "$(date -u +%Y-%m-%dT%H:%M:%SZ 2>/dev/null) sent=$# status=$code url=$url"
  # A batch is taken as a whole even when some of its items are not (each is answered on its
  # own): those are gone like a rejected single payload, and counted the same way.
  bad=0 refused=0
  case $code in
    2??) [ $# -gt 1 ] && bad=$(rejected_in "$reply") ;;
    # Too large is too large, whoever says it (a proxy's body limit too): split or drop.
    413) refused=1 ;;
    400 | 415 | 422) spanlight_error "$reply" && refused=1 ;;
  esac
  rm -f "$reply"
  case $code in
    2??)
      rm -f "$@"
      [ "$bad" -gt 0 ] && count_in "$spool/.rejected" "$bad"
      return 0
      ;;
    400 | 413 | 415 | 422)
      [ "$refused" -eq 1 ] || return 1
      # The server will never take this body. A batch is retried item by item so only the bad
      # payload is dropped (and counted); one bad payload must not block the spool for ever.
      if [ $# -gt 1 ]; then
        for f in "$@"; do send "$f" || return 1; done
        return 0
      fi
      rm -f "$1"
      count_in "$spool/.rejected" 1
      return 0
      ;;
  esac
  return 1
}

# Past the bound, the oldest payloads go first: recent events matter most once the server returns.
# The size bound counts payload bytes, as the Python hook does (disk blocks would make every small
# payload weigh 4 KiB).
trim() {
  max=${SPANLIGHT_SPOOL_MAX_FILES:-5000}
  maxkb=${SPANLIGHT_SPOOL_MAX_KB:-102400}
  case $max in '' | *[!0-9]*) max=5000 ;; esac
  case $maxkb in '' | *[!0-9]*) maxkb=102400 ;; esac
  n=0
  for f in "$spool"/[0-9]*.json; do [ -f "$f" ] && n=$((n + 1)); done
  dropped=0
  for f in "$spool"/[0-9]*.json; do
    [ "$n" -gt "$max" ] || break
    rm -f "$f" && n=$((n - 1)) && dropped=$((dropped + 1))
  done
  # One `wc -c` for the whole spool (GNU wc takes sizes from stat, without reading the files): a
  # line "<bytes> <name>" per payload, oldest first as the glob sorts, then a "total" line when
  # there are several. Relative names keep the argument list short.
  sizes=$(cd "$spool" 2>/dev/null && wc -c -- [0-9]*.json 2>/dev/null)
  total=0
  while read -r size name; do
    case $size in '' | *[!0-9]*) continue ;; esac
    [ "$name" = total ] || total=$((total + size))
  done <<SIZES
$sizes
SIZES
  while read -r size name; do
    [ "$total" -gt $((maxkb * 1024)) ] || break
    case $size in '' | *[!0-9]*) continue ;; esac
    [ "$name" = total ] && break
    rm -f "$spool/$name" && total=$((total - size)) && dropped=$((dropped + 1))
  done <<SIZES
$sizes
SIZES
  [ "$dropped" -gt 0 ] && count_in "$spool/.dropped" "$dropped"
  return 0
}

lock_acquire() {
  lock="$spool/.lock"
  if mkdir "$lock" 2>/dev/null; then
    echo $$ >"$lock/pid"
    return 0
  fi
  # A holder that died (killed mid-send) leaves its lock behind; a live holder keeps it.
  holder=
  read -r holder <"$lock/pid" 2>/dev/null
  if [ -n "$holder" ]; then
    kill -0 "$holder" 2>/dev/null && return 1
  elif [ -z "$(find "$lock" -maxdepth 0 -mmin +1 2>/dev/null)" ]; then
    return 1 # just created, pid not written yet
  fi
  mv -f "$lock" "$lock.stale.$$" 2>/dev/null && rm -rf "$lock.stale.$$"
  mkdir "$lock" 2>/dev/null || return 1
  echo $$ >"$lock/pid"
  return 0
}

flush() {
  if ! command -v curl >/dev/null 2>&1; then
    hook_log "curl is not installed: the payloads stay spooled (install curl, or use spanlight-hook.py)"
    # Nothing will send them, so without this the spool would grow past its bound with every event.
    if lock_acquire; then
      adopt_finished
      trim
      rm -rf "$lock"
    fi
    return 0
  fi
  url=$(resolve_url)
  # Every header value is made header-safe: one with a stray \r (a CRLF env file) would be refused
  # on the way, and every payload with it.
  host=$(header_safe "$(read_host)")
  cont=$(header_safe "$(read_container)")
  token=$(header_safe "$(strip_space "${SPANLIGHT_TOKEN:-}")")
  agent=$(header_safe "${SPANLIGHT_AGENT_ID:-${CLAUDE_INSTANCE_ID:-$host}}")
  workflow=$(header_safe "${SPANLIGHT_WORKFLOW_ID:-}")
  node=$(header_safe "${SPANLIGHT_NODE_ID:-}")
  batch_max=50 # as the Python hook; a server with a lower limit refuses it (too_many_items) and it is split
  while lock_acquire; do
    failed=0
    while :; do
      adopt_finished
      set --
      for f in "$spool"/[0-9]*.json; do
        [ -f "$f" ] || continue
        set -- "$@" "$f"
        [ $# -ge "$batch_max" ] && break
      done
      [ $# -gt 0 ] || break
      if ! send "$@"; then
        failed=1
        break
      fi
    done
    [ "$failed" -eq 1 ] && trim
    rm -rf "$lock"
    # A hook that found the lock taken left its payload to us; one that came after we looked
    # last is picked up here (or by itself, if it wins the lock).
    [ "$failed" -eq 1 ] && return 0
    pending=0
    for f in "$spool"/[0-9]*.json "$spool"/.in.*; do [ -f "$f" ] && pending=1 && break; done
    [ "$pending" -eq 1 ] || return 0
  done
  return 0
}

if [ "$1" = --deliver ]; then
  [ -f "$2" ] && adopt "$2"
fi
flush
if [ "$1" = --flush ]; then
  # Run by hand: say how it went (hooks themselves never print).
  n=0
  for f in "$spool"/[0-9]*.json; do [ -f "$f" ] && n=$((n + 1)); done
  if [ "$n" -eq 0 ]; then
    echo "spanlight-hook: the spool $spool is empty: everything is delivered to $(resolve_url)" >&2
  else
    echo "spanlight-hook: $n payload(s) still in $spool: $(resolve_url) did not take them yet, or another delivery is under way (SPANLIGHT_HOOK_LOG=file logs each attempt)" >&2
  fi
fi
exit 0
