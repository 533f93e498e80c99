#!/usr/bin/env bash
# The deploy drill (issue #16): follows docs/deploy.md step by step on this machine, in a scratch
# directory, as the user running it. `npm run deploy:drill`; KEEP=1 keeps the scratch directory.
#
# The commands are read from the page and from the files in deploy/ themselves (the code blocks
# of docs/deploy.md, the units' ExecStart=, Environment= and WorkingDirectory= lines, the env
# example), with the system paths moved under the scratch directory and the `releasegate` user
# and group replaced by the drill's own. What needs root or systemd as PID 1 (useradd, systemctl,
# journalctl, runuser) is said and skipped; `systemd-analyze verify` runs on the units if it is
# installed. Several nodes (PostgreSQL and an S3 bucket) run when PostgreSQL answers at
# TEST_DATABASE_URL (default postgres://postgres@127.0.0.1:5432/test) and s3rver is installed.
# Run by hand before a release: `npm ci` fetches packages from the registry.
set -euo pipefail

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
DOC="$REPO/docs/deploy.md"
S=$(mktemp -d -t releasegate-drill-XXXXXX)
RUN_USER=$(id -un)
RUN_GROUP=$(id -gn)
PG_URL=${TEST_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/test}
PIDS=()
PG_CLEANUP=''
PASSED=0
SKIPPED=0

say() { printf '%s\n' "$*"; }
step() { printf '\n== %s\n' "$*"; }
pass() { PASSED=$((PASSED + 1)); printf 'PASS  %s\n' "$*"; }
skip() { SKIPPED=$((SKIPPED + 1)); printf 'SKIP  %s\n' "$*"; }
fail() {
  printf 'FAIL  %s\n' "$*"
  exit 1
}
# check DESCRIPTION COMMAND...: PASS when the command succeeds, FAIL (and stop) otherwise.
check() {
  local what=$1
  shift
  if "$@"; then pass "$what"; else fail "$what"; fi
}

cleanup() {
  local status=$?
  set +e
  for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null; done
  for pid in "${PIDS[@]}"; do
    for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$pid" 2>/dev/null
    wait "$pid" 2>/dev/null
  done
  if [ -n "$PG_CLEANUP" ]; then psql "$PG_URL" -qAt -v ON_ERROR_STOP=1 <<<"$PG_CLEANUP" >/dev/null; fi
  if [ "${KEEP:-}" = 1 ]; then say "kept: $S"; else rm -rf "$S"; fi
  printf '\n== deploy drill: %s (%d passed, %d skipped)\n' \
    "$([ "$status" = 0 ] && echo PASS || echo FAIL)" "$PASSED" "$SKIPPED"
  exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# The system paths of the page and the units, moved into the scratch directory; the service's
# user and group are the drill's own.
here() {
  sed -e "s#/opt/releasegate#$S/opt/releasegate#g" \
    -e "s#/etc/releasegate#$S/etc/releasegate#g" \
    -e "s#/etc/systemd/system#$S/etc/systemd/system#g" \
    -e "s#/var/lib/releasegate#$S/var/lib/releasegate#g" \
    -e "s#/var/log/releasegate-audit#$S/var/log/releasegate-audit#g" \
    -e "s#/var/backups/releasegate#$S/var/backups/releasegate#g" \
    -e "s#-o releasegate #-o $RUN_USER #g" \
    -e "s#-g releasegate #-g $RUN_GROUP #g" \
    -e "s#chgrp releasegate #chgrp $RUN_GROUP #g"
}

# The lines of the first ```sh block of docs/deploy.md that has a line matching PATTERN (the
# block's indentation in a list removed).
doc_block() {
  awk -v pattern="$1" '
    /^ *```sh$/ { inside = 1; block = ""; hit = 0; next }
    inside && /^ *```$/ { inside = 0; if (hit) { printf "%s", block; exit } ; next }
    inside { sub(/^ +/, ""); block = block $0 "\n"; if ($0 ~ pattern) hit = 1 }
  ' "$DOC"
}

# Runs one command line of the page (already moved by `here`) in the current directory.
run_line() {
  say "\$ $1"
  bash -c "$1" || fail "$1"
}

free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

# A value of a unit file: unit_value FILE KEY (every line of KEY, in order).
unit_value() { sed -n "s/^$2=//p" "$1"; }

# Runs a unit's ExecStart= as systemd would, in the background: its WorkingDirectory=, UMask=,
# only its EnvironmentFile= (or ENV_FILE) and Environment= lines in an otherwise empty
# environment. Output to LOG; the pid is appended to PIDS. start_unit UNIT LOG [ENV_FILE]
start_unit() {
  local unit=$1 log=$2 env_file=${3:-} exec_start dir umask_ envs
  exec_start=$(unit_value "$unit" ExecStart | here | sed 's/%%/%/g')
  dir=$(unit_value "$unit" WorkingDirectory | here)
  umask_=$(unit_value "$unit" UMask)
  envs=$(unit_value "$unit" Environment | tr '\n' ' ')
  [ -n "$env_file" ] || env_file=$(unit_value "$unit" EnvironmentFile | here)
  say "\$ (cd $dir; umask ${umask_:-0022}; EnvironmentFile=$env_file; $envs) $exec_start"
  # shellcheck disable=SC2016
  env -i PATH="$PATH" HOME="$S" bash -c '
    cd "$1" && umask "$2" && set -a && . "$3" && export $4 && set +a && eval "exec $5"' \
    drill "$dir" "${umask_:-0022}" "$env_file" "$envs" "$exec_start" >"$log" 2>&1 &
  PIDS+=($!)
}

# Waits until URL answers 200 while the last started process lives (at most 180 s).
wait_ready() {
  local url=$1 log=$2 pid=${PIDS[-1]}
  for _ in $(seq 360); do
    if curl -fsS -o /dev/null "$url" 2>/dev/null; then return 0; fi
    if ! kill -0 "$pid" 2>/dev/null; then
      say "--- $log"
      tail -40 "$log"
      return 1
    fi
    sleep 0.5
  done
  say "--- $log"
  tail -40 "$log"
  return 1
}

say "deploy drill: docs/deploy.md step by step in $S (as $RUN_USER:$RUN_GROUP)"
for tool in node npm openssl curl nginx tar; do
  command -v "$tool" >/dev/null || [ -x "/usr/sbin/$tool" ] || fail "$tool is not installed"
done
NGINX=${NGINX_PATH:-$(command -v nginx || echo /usr/sbin/nginx)}
if [ -d /run/systemd/system ]; then SYSTEMD=1; else SYSTEMD=''; fi
[ -n "$SYSTEMD" ] || say "note: systemd is not PID 1 here: useradd, systemctl, journalctl and runuser are skipped; the units' ExecStart= lines run as the drill's user"

# --- The build and a production install ---------------------------------------------------------
step "The build: npm run build (in $REPO, its dependencies as installed)"
(cd "$REPO" && npm run build >"$S/build.log" 2>&1) || { tail -30 "$S/build.log"; fail "npm run build"; }
pass "npm run build"

step "A production install in $S/opt/releasegate (docs/deploy.md, A production install)"
PROD="$S/opt/releasegate"
mkdir -p "$PROD"
# The same package.json files and lockfile (every workspace's manifest, as the image copies them).
(cd "$REPO" && for manifest in package.json package-lock.json packages/*/package.json e2e/package.json bench/package.json; do
  mkdir -p "$PROD/$(dirname "$manifest")" && cp "$manifest" "$PROD/$manifest"
done)
install_block=$(doc_block 'npm ci --omit=dev' | sed "s#<build>#$REPO#g")
[ -n "$install_block" ] || fail "docs/deploy.md has no production install block"
(
  cd "$PROD"
  while IFS= read -r line; do
    [ -n "$line" ] || continue
    say "\$ $line"
    bash -c "$line" >>"$S/install.log" 2>&1 || { tail -30 "$S/install.log"; exit 1; }
  done <<<"$install_block"
) || fail "the production install"
pass "npm ci --omit=dev --workspace @releasegate/server, builds copied"
dev_tools=''
for tool in tsx vite typescript react react-dom vitest esbuild @vitejs/plugin-react; do
  found=$(find "$PROD" -type d -path "*/node_modules/$tool" -print -quit)
  [ -z "$found" ] || dev_tools="$dev_tools ${found#"$PROD"/}"
done
check "no development tool in the production node_modules (tsx, vite, typescript, react, vitest, esbuild)${dev_tools:+: found$dev_tools}" \
  test -z "$dev_tools"
packages=$(node -e 'const p = require(process.argv[1]).packages; console.log(Object.keys(p).filter((k) => k.includes("node_modules/") && !p[k].link).length)' "$PROD/node_modules/.package-lock.json")
say "      $packages packages installed, $(du -sh "$PROD/node_modules" | cut -f1)"
check "releasegate --help runs from the production install" \
  env -i PATH="$PATH" RELEASEGATE_RUN=compiled node "$PROD/packages/server/bin/releasegate.js" --help >/dev/null

# --- One node: the configuration, the key, the unit ---------------------------------------------
step "One node: the commands of docs/deploy.md (One node: systemd and nginx)"
PORT=$(free_port)
HTTP_PORT=$(free_port)
HTTPS_PORT=$(free_port)
PUBLIC_URL="https://127.0.0.1:$HTTPS_PORT"
ENV_FILE="$S/etc/releasegate/releasegate.env"
mkdir -p "$S/etc/systemd/system"
cd "$REPO"
one_node=$(doc_block '^useradd ' | here)
[ -n "$one_node" ] || fail "docs/deploy.md has no one-node block"
while IFS= read -r line; do
  case "$line" in
  '' | '#'*) say "  $line" ;;
  useradd*) skip "$line  (the drill makes no system user; it runs as $RUN_USER)" ;;
  systemctl*)
    if [ -n "$SYSTEMD" ]; then skip "$line  (not run by the drill on a host's systemd)"; else skip "$line  (no systemd as PID 1; the unit's ExecStart runs below)"; fi
    ;;
  journalctl*) skip "$line  (the server's output is in $S/journal/releasegate.log)" ;;
  *)
    command=${line%%#*}
    run_line "${command%"${command##*[![:space:]]}"}"
    if [[ "$line" == *'# then edit'* ]]; then
      # The edits the page asks for: PUBLIC_URL at nginx's address, the port; paths as above.
      sed -i -e "s#^PUBLIC_URL=.*#PUBLIC_URL=$PUBLIC_URL#" -e "s#^PORT=.*#PORT=$PORT#" "$ENV_FILE"
      here <"$ENV_FILE" >"$S/env.tmp" && cat "$S/env.tmp" >"$ENV_FILE" && rm "$S/env.tmp"
      say "  (edited: PUBLIC_URL=$PUBLIC_URL, PORT=$PORT, paths under $S)"
    fi
    ;;
  esac
done <<<"$one_node"
expected_env=$(here <deploy/releasegate.env.example | sed -e "s#^PUBLIC_URL=.*#PUBLIC_URL=$PUBLIC_URL#" -e "s#^PORT=.*#PORT=$PORT#")
check "the env file is the example with only PUBLIC_URL, PORT and the paths changed" \
  diff <(printf '%s\n' "$expected_env") "$ENV_FILE"
modes=$(stat -c '%a:%G' "$S/etc/releasegate" "$ENV_FILE" "$S/etc/releasegate/audit-signing-key.pem" | tr '\n' ' ')
check "/etc/releasegate 0750, the env file and the signing key 0640, group $RUN_GROUP ($modes)" \
  test "$modes" = "750:$RUN_GROUP 640:$RUN_GROUP 640:$RUN_GROUP "
check "the audit signing key is an Ed25519 private key" \
  bash -c "openssl pkey -in '$S/etc/releasegate/audit-signing-key.pem' -noout -text | grep -q ED25519"
check "the units are installed" test -f "$S/etc/systemd/system/releasegate.service"
install -m 0644 deploy/releasegate-backup.service deploy/releasegate-backup.timer "$S/etc/systemd/system/"
if command -v systemd-analyze >/dev/null; then
  check "systemd-analyze verify releasegate.service releasegate-backup.{service,timer}" \
    bash -c "cd '$S/etc/systemd/system' && systemd-analyze verify ./releasegate.service ./releasegate-backup.service ./releasegate-backup.timer"
else
  skip "systemd-analyze verify (systemd-analyze is not installed)"
fi

step "The unit's start: ExecStart= as the unit runs it"
# StateDirectory= and LogsDirectory= with their modes, as systemd makes them before the start.
install -d -m "$(unit_value deploy/releasegate.service StateDirectoryMode)" "$S/var/lib/releasegate"
install -d -m "$(unit_value deploy/releasegate.service LogsDirectoryMode)" "$S/var/log/releasegate-audit"
mkdir -p "$S/journal"
LOG="$S/journal/releasegate.log"
start_unit "$S/etc/systemd/system/releasegate.service" "$LOG"
check "releasegate serve answers /readyz (http://127.0.0.1:$PORT)" wait_ready "http://127.0.0.1:$PORT/readyz" "$LOG"
SETUP_LINK=$(grep -o "$PUBLIC_URL/setup?token=[^ ]*" "$LOG" | head -1 || true)
check "the one-time setup link is printed, at PUBLIC_URL: ${SETUP_LINK%%token=*}token=…" test -n "$SETUP_LINK"
check "the server runs on SQLite in DATA_DIR" \
  grep -q "ReleaseGate is listening on http://127.0.0.1:$PORT (database: sqlite $S/var/lib/releasegate/" "$LOG"
check "its claim DATA_DIR/server.pid holds its pid" test "$(cat "$S/var/lib/releasegate/server.pid")" = "${PIDS[-1]}"

# --- nginx ---------------------------------------------------------------------------------------
# start_nginx DIR UPSTREAM_PORT...: the shipped site, only listen/upstream/certificate replaced.
start_nginx() {
  local dir=$1
  shift
  mkdir -p "$dir"
  node "$REPO/scripts/nginx-site.mjs" "$dir" "$HTTP_PORT" "$HTTPS_PORT" "$S/tls/cert.pem" "$S/tls/key.pem" "$@"
  say "\$ nginx -t -p $dir -c $dir/nginx.conf"
  "$NGINX" -t -q -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" || return 1
  "$NGINX" -p "$dir" -c "$dir/nginx.conf" -e "$dir/error.log" >"$dir/output.log" 2>&1 &
  PIDS+=($!)
  for _ in $(seq 100); do
    if curl -s -o /dev/null "http://127.0.0.1:$HTTP_PORT/" && curl -s -o /dev/null --cacert "$S/tls/cert.pem" "$PUBLIC_URL/"; then return 0; fi
    kill -0 "${PIDS[-1]}" 2>/dev/null || break
    sleep 0.1
  done
  cat "$dir/output.log" "$dir/error.log"
  return 1
}
# Stops the last process started (SIGTERM, as systemctl stop) and sets STOPPED to its exit status.
stop_last() {
  local pid=${PIDS[-1]}
  kill -TERM "$pid" 2>/dev/null || true
  if wait "$pid" 2>/dev/null; then STOPPED=0; else STOPPED=$?; fi
  unset 'PIDS[-1]'
}

step "nginx with deploy/nginx/releasegate.conf at $PUBLIC_URL"
mkdir -p "$S/tls"
run_line "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 -subj /CN=127.0.0.1 -addext subjectAltName=IP:127.0.0.1 -keyout $S/tls/key.pem -out $S/tls/cert.pem 2>/dev/null"
check "nginx -t accepts the site; nginx starts" start_nginx "$S/nginx" "$PORT"
https() { curl -sS --cacert "$S/tls/cert.pem" "$@"; }
check "https $PUBLIC_URL/readyz → 200" test "$(https -o /dev/null -w '%{http_code}' "$PUBLIC_URL/readyz")" = 200
headers=$(https -D - -o /dev/null "$PUBLIC_URL/")
check "HSTS exactly once: max-age=31536000; includeSubDomains" \
  test "$(grep -ci '^strict-transport-security: max-age=31536000; includeSubDomains' <<<"$headers")/$(grep -ci '^strict-transport-security:' <<<"$headers")" = 1/1
check "the web app through nginx (GET / → 200 text/html)" grep -qi '^content-type: text/html' <<<"$headers"
# setup_status BASE_URL LINK [CURL OPTION...]: the link's token is valid at BASE_URL.
setup_status() {
  local base=$1 link=$2
  shift 2
  curl -sS "$@" "$base/api/setup/status?${link#*\?}" | grep -q '"tokenValid":true'
}
check "the setup link works through nginx (tokenValid)" setup_status "$PUBLIC_URL" "$SETUP_LINK" --cacert "$S/tls/cert.pem"
redirect=$(curl -sS -o /dev/null -w '%{http_code} %{redirect_url}' "http://127.0.0.1:$HTTP_PORT/readyz")
check "plain http → 301 to https ($redirect)" test "$redirect" = "301 https://127.0.0.1/readyz"
check "TLS 1.1 is refused" bash -c "! curl -s -o /dev/null --cacert '$S/tls/cert.pem' --tls-max 1.1 '$PUBLIC_URL/readyz'"
check "HTTP/2 is offered" test "$(https -o /dev/null -w '%{http_version}' --http2 "$PUBLIC_URL/readyz")" = 2

# --- Backups and the CLI -------------------------------------------------------------------------
step "Backups: releasegate-backup.service's ExecStartPre= and ExecStart=, while the server runs"
pre=$(unit_value "$S/etc/systemd/system/releasegate-backup.service" ExecStartPre | here | sed 's/^+//')
run_line "$pre"
start_unit "$S/etc/systemd/system/releasegate-backup.service" "$S/journal/releasegate-backup.log"
backup_pid=${PIDS[-1]}
if wait "$backup_pid"; then backup_status=0; else backup_status=$?; fi
unset 'PIDS[-1]'
[ "$backup_status" = 0 ] || cat "$S/journal/releasegate-backup.log"
check "releasegate backup exits 0" test "$backup_status" = 0
archive=$(ls "$S"/var/backups/releasegate/releasegate-*.tar 2>/dev/null | head -1 || true)
check "the archive exists: ${archive#"$S"/}" test -n "$archive"
modes=$(stat -c '%a' "$archive" "$S/var/backups/releasegate" | tr '\n' ' ')
check "the archive is mode 0600, in a 0700 directory ($modes)" test "$modes" = "600 700 "
check "the archive holds the SQLite database and the signed manifest" \
  bash -c "tar tf '$archive' | grep -qx database/releasegate.sqlite && tar tf '$archive' | tail -1 | grep -qx manifest.json"

step "The CLI as the service's user with the same environment (docs/deploy.md)"
cli=$(grep -o "runuser -u releasegate -- sh -c '[^']*'" "$DOC" | head -1)
[ -n "$cli" ] || fail "docs/deploy.md shows no runuser line"
skip "runuser -u releasegate  (no such user here; the command runs as $RUN_USER)"
cli=$(here <<<"${cli#runuser -u releasegate -- }")
say "\$ $cli"
cli_out=$(cd "$S" && env -i PATH="$PATH" bash -c "$cli" 2>&1) || { say "$cli_out"; fail "admin create"; }
check "admin create prints a one-time link at PUBLIC_URL" grep -q "$PUBLIC_URL/setup?token=" <<<"$cli_out"
verify_cli=${cli/admin create/audit verify}
say "\$ $verify_cli"
audit_verify() { (cd "$S" && env -i PATH="$PATH" bash -c "$verify_cli") >"$S/journal/audit-verify.log" 2>&1 || { cat "$S/journal/audit-verify.log"; return 1; }; }
check "releasegate audit verify (the backup and the setup links are on the trail)" audit_verify

stop_last # nginx
stop_last # the one-node server
check "SIGTERM stops the server (exit $STOPPED) and it removes its claim" \
  test "$STOPPED" = 0 -a ! -e "$S/var/lib/releasegate/server.pid"

# --- Several nodes ---------------------------------------------------------------------------------
step "Several nodes: PostgreSQL with two roles, an S3 bucket, two servers behind nginx"
S3RVER="$REPO/packages/server/src/test/s3rver.mjs"
if ! command -v psql >/dev/null || ! psql "$PG_URL" -qAt -c 'select 1' >/dev/null 2>&1; then
  skip "several nodes: no PostgreSQL at $PG_URL (set TEST_DATABASE_URL)"
elif [ ! -f "$REPO/node_modules/s3rver/bin/s3rver.js" ]; then
  skip "several nodes: s3rver is not installed (npm install)"
else
  id=$(openssl rand -hex 4)
  DB="rg_drill_$id"
  OWNER="rg_drill_${id}_owner"
  APP="rg_drill_${id}_app"
  PASSWORD=$(openssl rand -hex 12)
  PG_CLEANUP="drop database if exists $DB with (force); drop role if exists $APP; drop role if exists $OWNER;"
  # The page's SQL (PostgreSQL with two roles), with this run's names and password.
  sql=$(awk '/^```sql$/ { inside = 1; next } inside && /^```$/ { exit } inside' "$DOC" |
    sed -e "s/releasegate_owner/$OWNER/g" -e "s/releasegate_app/$APP/g" \
      -e "s/database releasegate /database $DB /" -e "s/'…'/'$PASSWORD'/g")
  say "${sql//$PASSWORD/…}"
  page_sql() { psql "$PG_URL" -qAt -v ON_ERROR_STOP=1 <<<"$sql"; }
  check "the page's SQL: two roles and a database owned by the owner" page_sql
  pg_url() { node -e 'const u = new URL(process.argv[1]); u.username = process.argv[2]; u.password = process.argv[3]; u.pathname = "/" + process.argv[4]; u.search = ""; console.log(u.href)' "$PG_URL" "$1" "$PASSWORD" "$DB"; }

  # An S3 server as the tests start it (packages/server/src/test/s3-server.ts), one bucket.
  BUCKET="rg-drill-$id"
  mkdir -p "$S/s3"
  node --openssl-legacy-provider "$S3RVER" -d "$S/s3" -a 127.0.0.1 -p 0 --no-vhost-buckets \
    --configure-bucket "$BUCKET" >"$S/journal/s3rver.log" 2>&1 &
  PIDS+=($!)
  S3_PORT=''
  for _ in $(seq 100); do
    S3_PORT=$(sed -n 's/.*S3rver listening on [0-9.]*:\([0-9]*\).*/\1/p' "$S/journal/s3rver.log" | head -1)
    [ -z "$S3_PORT" ] || break
    sleep 0.1
  done
  check "s3rver listens (bucket $BUCKET)" test -n "$S3_PORT"

  # The same keys on every node: the signing key made above, the secrets key made once here.
  secrets_block=$(doc_block 'openssl rand -base64 32' | here)
  [ -n "$secrets_block" ] || fail "docs/deploy.md does not say how to make the shared secrets key"
  while IFS= read -r line; do run_line "$line"; done <<<"$secrets_block"

  # Each node's env file: the one-node file with the page's several-nodes lines filled in. This
  # is another installation than the one-node one: its checkpoints go to a directory of its own
  # that both nodes share (a shared mount, as the page says), not into the SQLite chain's file.
  install -d -m 0700 "$S/var/log/releasegate-audit-nodes"
  node_env() {
    local name=$1 port=$2 file="$S/etc/releasegate/releasegate-$1.env"
    sed -e "s#^\#DATABASE_URL=.*#DATABASE_URL=$(pg_url "$APP")#" \
      -e "s#^\#DATABASE_MIGRATION_URL=.*#DATABASE_MIGRATION_URL=$(pg_url "$OWNER")#" \
      -e "s#^\#BLOB_STORE=.*#BLOB_STORE=s3#" \
      -e "s#^\#S3_ENDPOINT=.*#S3_ENDPOINT=http://127.0.0.1:$S3_PORT#" \
      -e "s#^\#S3_BUCKET=.*#S3_BUCKET=$BUCKET#" \
      -e "s#^\#S3_FORCE_PATH_STYLE=.*#S3_FORCE_PATH_STYLE=true#" \
      -e "s#^\#S3_ACCESS_KEY_ID=.*#S3_ACCESS_KEY_ID=S3RVER#" \
      -e "s#^\#S3_SECRET_ACCESS_KEY=.*#S3_SECRET_ACCESS_KEY=S3RVER#" \
      -e "s#^\#SECRETS_KEY_FILE=#SECRETS_KEY_FILE=#" \
      -e "s#^PORT=.*#PORT=$port#" \
      -e "s#^AUDIT_CHECKPOINT_DIR=.*#AUDIT_CHECKPOINT_DIR=$S/var/log/releasegate-audit-nodes#" \
      -e "s#^DATA_DIR=.*#DATA_DIR=$S/nodes/$name#" "$ENV_FILE" >"$file"
    install -d -m 0700 "$S/nodes/$name"
    echo "$file"
  }
  PORT_A=$(free_port)
  PORT_B=$(free_port)
  env_a=$(node_env a "$PORT_A")
  env_b=$(node_env b "$PORT_B")
  env_complete() {
    local f k
    for f in "$env_a" "$env_b"; do
      for k in DATABASE_URL DATABASE_MIGRATION_URL BLOB_STORE S3_ENDPOINT S3_BUCKET S3_ACCESS_KEY_ID \
        S3_SECRET_ACCESS_KEY SECRETS_KEY_FILE AUDIT_SIGNING_KEY; do
        grep -q "^$k=" "$f" || { say "$f: no $k"; return 1; }
      done
    done
  }
  check "each node's env file sets PostgreSQL, S3 and the shared keys" env_complete
  # Upgrades: start one node, it migrates; then the others.
  start_unit "$S/etc/systemd/system/releasegate.service" "$S/journal/node-a.log" "$env_a"
  check "node a (migrates) answers /readyz" wait_ready "http://127.0.0.1:$PORT_A/readyz" "$S/journal/node-a.log"
  start_unit "$S/etc/systemd/system/releasegate.service" "$S/journal/node-b.log" "$env_b"
  check "node b answers /readyz" wait_ready "http://127.0.0.1:$PORT_B/readyz" "$S/journal/node-b.log"
  on_postgres() { grep -q 'database: postgres' "$S/journal/node-a.log" && grep -q 'database: postgres' "$S/journal/node-b.log"; }
  check "both nodes run on PostgreSQL" on_postgres
  link=$(grep -ho "$PUBLIC_URL/setup?token=[^ ]*" "$S/journal/node-a.log" "$S/journal/node-b.log" | head -1 || true)
  check "a setup link printed by one node is valid on the other (one database)" \
    setup_status "http://127.0.0.1:$PORT_B" "$link"
  check "... and on the first" setup_status "http://127.0.0.1:$PORT_A" "$link"
  check "nginx with both nodes in its upstream block starts" start_nginx "$S/nginx-nodes" "$PORT_A" "$PORT_B"
  for i in 1 2 3 4; do
    [ "$(https -o /dev/null -w '%{http_code}' "$PUBLIC_URL/readyz")" = 200 ] || fail "https /readyz through nginx to two nodes (request $i)"
  done
  pass "https $PUBLIC_URL/readyz → 200, 4 times, through nginx to the two nodes"
  check "no claim (server.pid) in a PostgreSQL node's DATA_DIR" \
    test ! -e "$S/nodes/a/server.pid" -a ! -e "$S/nodes/b/server.pid"

  # Backups on PostgreSQL and S3: the backup unit with node a's configuration, while both run.
  # Its archive is named by the minute and never overwritten: wait for a minute of its own.
  while [ -e "$S/var/backups/releasegate/releasegate-$(date -u +%Y%m%dT%H%MZ).tar" ]; do sleep 1; done
  start_unit "$S/etc/systemd/system/releasegate-backup.service" "$S/journal/backup-nodes.log" "$env_a"
  if wait "${PIDS[-1]}"; then backup_status=0; else backup_status=$?; fi
  unset 'PIDS[-1]'
  [ "$backup_status" = 0 ] || cat "$S/journal/backup-nodes.log"
  check "releasegate backup on PostgreSQL and S3 exits 0" test "$backup_status" = 0
  archive_pg=$(ls -t "$S"/var/backups/releasegate/releasegate-*.tar | head -1)
  check "the archive holds the pg_dump and the signed manifest" \
    bash -c "tar tf '$archive_pg' | grep -qx database/releasegate.pgdump && tar tf '$archive_pg' | tail -1 | grep -qx manifest.json"

  # The page's restore drill (Backups, Restore), into a schema of its own while the nodes run.
  mkdir -p "$S/bin" "$S/srv"
  ln -s "$PROD/packages/server/bin/releasegate.js" "$S/bin/releasegate"
  as_node() { env -i PATH="$S/bin:$PATH" bash -c 'cd "$1" && set -a && . "$2" && set +a && eval "$3"' drill "$S" "$env_a" "$1"; }
  check "releasegate audit public-key > kept.pem" as_node "releasegate audit public-key > $S/kept.pem"
  drill_block=$(doc_block 'releasegate restore /backups/latest.tar' | here |
    sed -e "s#/srv/drill#$S/srv/drill#g" -e "s#postgres://…/releasegate#$(pg_url "$APP")#g" \
      -e "s#/backups/latest.tar#$archive_pg#g" -e "s#kept.pem#$S/kept.pem#g")
  [ -n "$drill_block" ] || fail "docs/deploy.md has no restore drill"
  say "${drill_block//$PASSWORD/…}"
  restore_drill() { as_node "set -e; $drill_block" >"$S/journal/restore-drill.log" 2>&1 || { cat "$S/journal/restore-drill.log"; return 1; }; }
  check "the restore drill: restore into ?schema=drill, audit verify, dsl verify" restore_drill
  stop_last # nginx
  stop_last # node b
  stop_last # node a
  stop_last # s3rver
  pass "the nodes, nginx and s3rver stopped (the database and roles are dropped at the end)"
fi
