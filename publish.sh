#!/usr/bin/env bash
# Builds the folder the Azure Functions host runs, and a zip of it for deployment:
#   artifacts/publish/app/   host.json, one folder per function (function.json), and the
#                            self-contained linux-x64 executable Patchbay.Server (with its run bit)
#   artifacts/publish/patchbay.zip   the same, for `az functionapp deployment source config-zip`
# Run `func start` inside artifacts/publish/app (copy local.settings.sample.json there as local.settings.json first).
set -euo pipefail
cd "$(dirname "$0")"

out=artifacts/publish/app
rm -rf "$out" artifacts/publish/patchbay.zip
dotnet publish src/Server/Patchbay.Server.csproj -c Release -r linux-x64 --self-contained true \
  -p:PublishSingleFile=false -p:DebugType=none -o "$out" -nologo -v:q
cp host.json "$out/"
cp -R src/Server/functions/. "$out/"
chmod +x "$out/Patchbay.Server"
# zip keeps the Unix permissions, so the executable still runs after config-zip deployment.
(cd "$out" && zip -qr -X ../patchbay.zip .)
echo "published $out and artifacts/publish/patchbay.zip"
