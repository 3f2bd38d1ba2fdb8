#!/usr/bin/env bash
# Runs Patchbay locally on http://localhost:7071 with its state in Azurite.
# Publishes first (with progress; for this machine's runtime, precompiled with ReadyToRun so the app starts faster, see
# bench/RESULTS.md), starts Azurite (pinned in package.json, data in .azurite/) unless something already
# listens on its ports, starts the app, and prints the URL once /api/health answers. Ctrl+C stops the app and the
# Azurite this script started, and waits for both. Settings can be overridden with environment variables
# (see README "Settings"); by default the API key is "dev-key". Extra arguments go to the app (e.g. --urls).
#   PATCHBAY_START_TIMEOUT_SECONDS  how long to wait for /api/health after starting the app (default 120)
#   PATCHBAY_STOP_TIMEOUT_SECONDS   how long the app and Azurite get to stop before they are killed (default 15)
set -euo pipefail
cd "$(dirname "$0")"

start_timeout="${PATCHBAY_START_TIMEOUT_SECONDS:-120}"
stop_timeout="${PATCHBAY_STOP_TIMEOUT_SECONDS:-15}"
app_pid=""
azurite_pid=""

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Stops one process this script started: SIGTERM, up to $stop_timeout s to exit, then SIGKILL; always reaped.
stop_process() {
  local pid="$1" name="$2" deadline=$((SECONDS + stop_timeout))
  kill -0 "$pid" 2>/dev/null || { wait "$pid" 2>/dev/null || true; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  while kill -0 "$pid" 2>/dev/null && [ "$SECONDS" -lt "$deadline" ]; do sleep 0.1; done
  if kill -0 "$pid" 2>/dev/null; then
    echo "$name did not stop within ${stop_timeout} s; killing it." >&2
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" 2>/dev/null || true
}

# The app first (it holds connections to Azurite), then Azurite.
cleanup() {
  trap - INT TERM EXIT
  if [ -n "$app_pid" ]; then stop_process "$app_pid" "Patchbay"; app_pid=""; fi
  if [ -n "$azurite_pid" ]; then stop_process "$azurite_pid" "Azurite"; azurite_pid=""; echo "Azurite stopped."; fi
}
trap 'cleanup; exit 130' INT
trap 'cleanup; exit 143' TERM
trap 'status=$?; cleanup; exit $status' EXIT

if [ ! -x node_modules/.bin/azurite ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

# Published, not only built: self-contained, with the framework and Patchbay precompiled together into one composite
# ReadyToRun image, it answers about 60 ms sooner than a framework-dependent ReadyToRun publish and half a second sooner
# than the build (bench/RESULTS.md, start-up). The first publish takes a few minutes (it compiles the framework too) and
# ~175 MB of disk; later ones redo only what changed.
echo "Publishing Patchbay to artifacts/server (the first publish takes a few minutes)..."
dotnet publish src/Server/Patchbay.Server.csproj -c Release --use-current-runtime --self-contained true \
  -p:PublishReadyToRunComposite=true -o artifacts/server -nologo

mkdir -p .azurite
if listening 10002; then
  echo "Azurite already listens on 127.0.0.1:10000-10002; using it."
else
  # --disableTelemetry: with telemetry on, Azurite closes its ports on SIGTERM but the process lingers (8-126 s seen).
  node_modules/.bin/azurite --silent --location .azurite --skipApiVersionCheck --disableTelemetry \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 > .azurite/azurite.log 2>&1 &
  azurite_pid=$!
  for _ in $(seq 1 100); do listening 10002 && listening 10001 && break; sleep 0.1; done
  listening 10002 || { echo "Azurite did not start; see .azurite/azurite.log" >&2; exit 1; }
  echo "Azurite started (data in .azurite/)."
fi

# A development encryption key, kept beside Azurite's data so stored connections stay readable across restarts.
if [ ! -f .azurite/dev-encryption-key ]; then
  echo "dev:$(head -c 32 /dev/urandom | base64)" > .azurite/dev-encryption-key
fi

export AzureWebJobsStorage="${AzureWebJobsStorage:-UseDevelopmentStorage=true}"
export Patchbay__ApiKeys="${Patchbay__ApiKeys:-dev-key}"
export Patchbay__EncryptionKeys="${Patchbay__EncryptionKeys:-$(cat .azurite/dev-encryption-key)}"
export Patchbay__AllowPrivateNetworks="${Patchbay__AllowPrivateNetworks:-true}"
export ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Development}"

# Where the app listens: --urls from the arguments, else ASPNETCORE_URLS, else the app's default; the first URL, with a
# wildcard host read as localhost.
urls="${ASPNETCORE_URLS:-http://localhost:7071}"
previous=""
for arg in "$@"; do
  case "$arg" in --urls=*) urls="${arg#--urls=}" ;; esac
  if [ "$previous" = "--urls" ]; then urls="$arg"; fi
  previous="$arg"
done
base_url="${urls%%;*}"
base_url="${base_url%/}"
base_url="$(printf '%s' "$base_url" | sed -E 's#://(\*|\+|0\.0\.0\.0|\[::\])(:|$)#://localhost\2#')"
key="${Patchbay__ApiKeys%%,*}"

# The published app itself (not `dotnet run`), so SIGTERM reaches it; its content root is the project folder.
(cd src/Server && exec ../../artifacts/server/Patchbay.Server "$@") &
app_pid=$!

deadline=$((SECONDS + start_timeout))
until curl -fsS -k -o /dev/null --max-time 2 "$base_url/api/health" 2>/dev/null; do
  if ! kill -0 "$app_pid" 2>/dev/null; then
    status=0
    wait "$app_pid" || status=$?
    app_pid=""
    echo "Patchbay exited (code $status) before $base_url/api/health answered; its output is above." >&2
    exit 1
  fi
  if [ "$SECONDS" -ge "$deadline" ]; then
    echo "Patchbay did not answer $base_url/api/health within ${start_timeout} s (PATCHBAY_START_TIMEOUT_SECONDS); stopping it." >&2
    exit 1
  fi
  sleep 0.2
done

echo
echo "Patchbay is ready: $base_url  (API key: send 'x-functions-key: $key')  reference: $base_url/api/docs?code=$key"
echo "Stop it with Ctrl+C."
status=0
wait "$app_pid" || status=$?
app_pid=""
exit "$status"
