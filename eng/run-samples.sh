#!/usr/bin/env bash
# Runs every sample the way the README says (`dotnet run --project samples/X`) and fails on any error.
#   console samples: must exit 0 within SAMPLE_TIMEOUT seconds (default 300);
#   servers (samples/WebApi): started on a free loopback port, /health and /secrets/status probed, one secret rotated
#     and the rebuild seen on /database, then stopped; every wait bounded;
#   samples/Kubernetes: every manifest parses as YAML with apiVersion, kind and metadata.name; every JSON file parses.
# Usage: eng/run-samples.sh [SAMPLE...]   (default: every folder under samples/)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
sample_timeout="${SAMPLE_TIMEOUT:-300}"
server_start_timeout="${SERVER_START_TIMEOUT:-120}"
servers=(WebApi)
work="$(mktemp -d)"
server_pid=""

cleanup() {
  if [[ -n "$server_pid" ]] && kill -0 "$server_pid" 2>/dev/null; then
    kill -TERM -- "-$server_pid" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

log() { printf '%s run-samples: %s\n' "$(date -u +%H:%M:%S)" "$*"; }
fail() { log "FAIL: $*"; exit 1; }

is_server() {
  local name="$1" s
  for s in "${servers[@]}"; do [[ "$s" == "$name" ]] && return 0; done
  return 1
}

free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}

# GET a URL into a file; prints the HTTP status. Bounded by curl's own timeouts.
http_get() {
  curl --silent --max-time 10 --connect-timeout 2 --output "$2" --write-out '%{http_code}' "$1" || echo "000"
}

run_console() {
  local name="$1"
  log "$name: dotnet run (timeout ${sample_timeout}s)"
  local status=0
  timeout --kill-after=10 "$sample_timeout" dotnet run --no-build --project "samples/$name" >"$work/$name.log" 2>&1 || status=$?
  if [[ $status -ne 0 ]]; then
    tail -n 40 "$work/$name.log"
    [[ $status -eq 124 ]] && fail "$name did not finish within ${sample_timeout}s"
    fail "$name exited with $status"
  fi
  tail -n 3 "$work/$name.log" | sed "s/^/  $name | /"
}

run_webapi() {
  local name=WebApi port base mount deadline code
  port="$(free_port)"
  base="http://127.0.0.1:$port"
  mount="$work/webapi-secrets"
  log "$name: starting on $base (mount $mount)"
  # Own process group (setsid), so stopping it stops `dotnet run` and the app it started, and nothing else.
  setsid dotnet run --no-build --project "samples/$name" -- --urls "$base" "--SecretsManager:Sources:0:Path=$mount" >"$work/$name.log" 2>&1 &
  server_pid=$!

  deadline=$((SECONDS + server_start_timeout))
  until [[ "$(http_get "$base/health" "$work/health.txt")" == "200" ]]; do
    kill -0 "$server_pid" 2>/dev/null || { tail -n 40 "$work/$name.log"; fail "$name exited before answering /health"; }
    (( SECONDS < deadline )) || { tail -n 40 "$work/$name.log"; fail "$name: /health not 200 within ${server_start_timeout}s"; }
    sleep 0.5
  done
  grep -qx 'Healthy' "$work/health.txt" || fail "$name: /health said $(cat "$work/health.txt")"
  log "$name: /health -> Healthy"

  code="$(http_get "$base/secrets/status" "$work/status.json")"
  [[ "$code" == "200" ]] || fail "$name: /secrets/status returned $code"
  python3 - "$work/status.json" <<'PY' || fail "$name: /secrets/status is not the expected document"
import json, sys
doc = json.load(open(sys.argv[1]))
source = next(s for s in doc["sources"] if s["name"] == "app-secrets")
assert doc["status"] == "Healthy", doc["status"]
assert source["loaded"] and source["secretCount"] == 3, source
text = open(sys.argv[1]).read()
assert "demo-password" not in text, "a secret value appeared in the status document"
PY
  log "$name: /secrets/status -> Healthy, 3 secrets, no value in it"

  http_get "$base/database" "$work/db1.json" >/dev/null
  grep -q '"generation":1' "$work/db1.json" || fail "$name: /database before rotation: $(cat "$work/db1.json")"
  printf 'rotated-by-run-samples' >"$mount/Database__Password.tmp" && mv "$mount/Database__Password.tmp" "$mount/Database__Password"
  deadline=$((SECONDS + 30))
  until http_get "$base/database" "$work/db2.json" >/dev/null && grep -q '"generation":2' "$work/db2.json"; do
    (( SECONDS < deadline )) || fail "$name: the rotation did not rebuild the connection factory within 30s: $(cat "$work/db2.json")"
    sleep 0.5
  done
  log "$name: rotation -> connection factory generation 2"

  kill -TERM -- "-$server_pid"
  deadline=$((SECONDS + 30))
  while kill -0 "$server_pid" 2>/dev/null; do
    (( SECONDS < deadline )) || { kill -KILL -- "-$server_pid" 2>/dev/null || true; fail "$name did not stop within 30s of SIGTERM"; }
    sleep 0.2
  done
  server_pid=""
  log "$name: stopped"
}

check_kubernetes() {
  log "Kubernetes: checking manifests and settings"
  python3 - samples/Kubernetes <<'PY' || fail "Kubernetes: invalid manifest or settings"
import json, pathlib, sys
import yaml
root = pathlib.Path(sys.argv[1])
manifests = sorted(root.rglob("*.yaml"))
assert manifests, "no manifests"
for path in manifests:
    for doc in yaml.safe_load_all(path.read_text()):
        if doc is None:
            continue
        for field in ("apiVersion", "kind"):
            assert field in doc, f"{path}: a document has no {field}"
        assert doc.get("metadata", {}).get("name"), f"{path}: a {doc['kind']} has no metadata.name"
for path in sorted(root.rglob("*.json")):
    json.loads(path.read_text())
print(f"  {len(manifests)} manifests parsed")
PY
}

if [[ $# -gt 0 ]]; then
  samples=("$@")
else
  samples=()
  for dir in samples/*/; do samples+=("$(basename "$dir")"); done
fi

for name in "${samples[@]}"; do
  [[ -d "samples/$name" ]] || fail "no sample named $name"
  if compgen -G "samples/$name/*.csproj" >/dev/null; then
    log "$name: build"
    dotnet build "samples/$name" --nologo --verbosity quiet >"$work/$name.build.log" 2>&1 || { tail -n 40 "$work/$name.build.log"; fail "$name does not build"; }
  fi
done

for name in "${samples[@]}"; do
  if [[ "$name" == "Kubernetes" ]]; then
    check_kubernetes
  elif [[ "$name" == "WebApi" ]]; then
    run_webapi
  elif is_server "$name"; then
    fail "$name is listed as a server but has no probe"
  else
    run_console "$name"
  fi
done

log "all ${#samples[@]} samples passed"
