#!/usr/bin/env bash
# Runs Patchbay locally on http://localhost:7071 with its state in Azurite.
# Starts Azurite (pinned in package.json, data in .azurite/) unless something already listens on its ports,
# then runs the Function App standalone. Settings can be overridden with environment variables
# (see README "Settings"); by default the API key is "dev-key".
set -euo pipefail
cd "$(dirname "$0")"

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

if [ ! -x node_modules/.bin/azurite ]; then
  npm ci --no-audit --no-fund --loglevel=error
fi

mkdir -p .azurite
azurite_pid=""
if listening 10002; then
  echo "Azurite already listens on 127.0.0.1:10000-10002; using it."
else
  node_modules/.bin/azurite --silent --location .azurite --skipApiVersionCheck \
    --blobHost 127.0.0.1 --queueHost 127.0.0.1 --tableHost 127.0.0.1 > .azurite/azurite.log 2>&1 &
  azurite_pid=$!
  trap '[ -n "$azurite_pid" ] && kill "$azurite_pid" 2>/dev/null' EXIT
  for _ in $(seq 1 100); do listening 10002 && listening 10001 && break; sleep 0.1; done
  listening 10002 || { echo "Azurite did not start; see .azurite/azurite.log"; exit 1; }
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

echo "Patchbay: http://localhost:7071  (API key: send 'x-functions-key: ${Patchbay__ApiKeys%%,*}')  reference: http://localhost:7071/api/docs?code=${Patchbay__ApiKeys%%,*}"
dotnet run --project src/Server/Patchbay.Server.csproj -c Release -- "$@"
