#!/usr/bin/env bash
# Builds what a Linux Function App (Flex Consumption, .NET 10 isolated worker) runs, and a zip of it for deployment:
#   artifacts/publish/app/   host.json, functions.metadata, worker.config.json, extensions.json (and .azurefunctions/),
#                            the worker Patchbay.FunctionApp.dll with its dependencies and connectors
#                            (framework-dependent: the plan provides .NET 10; precompiled with ReadyToRun, which
#                            src/FunctionApp's PublishReadyToRun turns on for this publish for linux-x64: faster start)
#   artifacts/publish/patchbay.zip   the same, for `az functionapp deployment source config-zip`
# To run the published folder with Core Tools: cd artifacts/publish/app, copy src/FunctionApp/local.settings.sample.json
# there as local.settings.json, and `func start` (README "Run under the Functions host").
set -euo pipefail
cd "$(dirname "$0")"

out=artifacts/publish/app
rm -rf "$out" artifacts/publish/patchbay.zip
dotnet publish src/FunctionApp/Patchbay.FunctionApp.csproj -c Release -r linux-x64 --self-contained false \
  -p:DebugType=none -o "$out" -nologo -v:q
for file in host.json functions.metadata worker.config.json extensions.json Patchbay.FunctionApp.dll; do
  [ -f "$out/$file" ] || { echo "publish.sh: $out has no $file; the Functions host could not run it" >&2; exit 1; }
done
(cd "$out" && zip -qr -X ../patchbay.zip .)
echo "published $out and artifacts/publish/patchbay.zip"
