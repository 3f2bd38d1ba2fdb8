#!/usr/bin/env bash
# Runs every test Patchbay has, from a clean clone: restore, build (warnings are errors), test.
# Ends with one line: "N passed, N failed[, N skipped]". Exits non-zero when anything fails.
set -uo pipefail
cd "$(dirname "$0")"

results="$(pwd)/artifacts/test-results"
rm -rf "$results"; mkdir -p "$results"

# Azurite (Table Storage and queues for the end-to-end tests) comes from package.json, pinned.
if [ -f package.json ] && { [ ! -x node_modules/.bin/azurite-table ] || [ ! -x node_modules/.bin/mcp-inspector-cli ]; }; then
  npm ci --no-audit --no-fund --loglevel=error || { echo "npm ci failed"; echo "0 passed, 1 failed"; exit 1; }
fi

# The connect page's browser tests drive Debian's chromium (Playwright's own browser download cannot work here).
if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" -eq 0 ] && command -v apt-get >/dev/null; then
    { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; } \
      || { echo "could not install chromium with apt-get (needed by tests/Patchbay.Browser.Tests); install it: apt-get install -y chromium"; echo "0 passed, 1 failed"; exit 1; }
  else
    echo "/usr/bin/chromium is missing (needed by tests/Patchbay.Browser.Tests) and this is not root with apt-get; install it: sudo apt-get install -y chromium"
    echo "0 passed, 1 failed"; exit 1
  fi
fi

if ! dotnet build Patchbay.slnx -c Release -warnaserror -nologo -v:q; then
  echo "build failed"; echo "0 passed, 1 failed"; exit 1
fi

log="$results/dotnet-test.log"
dotnet test Patchbay.slnx -c Release --no-build --nologo --results-directory "$results" "$@" 2>&1 | tee "$log"
status=${PIPESTATUS[0]}

# One summary line per test assembly: "Passed!  - Failed: 0, Passed: 90, Skipped: 0, Total: 90, ..."
passed=0; failed=0; skipped=0
while read -r f p s; do
  failed=$((failed + f)); passed=$((passed + p)); skipped=$((skipped + s))
done < <(sed -n 's/.*Failed: *\([0-9]*\), Passed: *\([0-9]*\), Skipped: *\([0-9]*\), Total:.*/\1 \2 \3/p' "$log")
if [ "$status" -ne 0 ] && [ "$failed" -eq 0 ]; then failed=1; fi   # a crashed test host counts as a failure

line="$passed passed, $failed failed"
[ "$skipped" -gt 0 ] && line="$line, $skipped skipped"
echo "$line"
[ "$failed" -eq 0 ]
