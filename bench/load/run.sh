#!/usr/bin/env bash
# The action path under load (issue 15, target 1), in one command, and the standalone host's start-up time (target 2).
#   bench/load/run.sh            load: nginx upstream (2 KB of JSON), the bare proxy (bench/BareProxy), the host floor
#                                (bench/HostFloor: Patchbay's standalone host answering with the bare proxy's handler) and
#                                Patchbay standalone (src/Server, Azurite in memory), wrk against each; prints req/s, p99,
#                                ratios. Bare proxy -> host floor is what the host costs; host floor -> Patchbay the action path
#   bench/load/run.sh startup    start-up: runs the start-up bench (both hosts against their references, as built and
#                                published): dotnet run -c Release --project bench/Patchbay.Benchmarks -- startup
#   (profile, perf: LOAD_PROFILE_TARGET=bare|host|patchbay; syscalls and allocs measure all three)
#   bench/load/run.sh profile    a CPU-sampled trace of Patchbay under the same load (dotnet-trace as a dotnet tool:
#                                dotnet tool install -g dotnet-trace --version 10.0.750501); prints the top frames.
#                                LOAD_TRACE_PROFILE=gc-verbose traces allocations instead (the .nettrace is kept in the logs);
#                                LOAD_PROFILE_TARGET=bare profiles the bare proxy instead, for the same pieces side by side
#   bench/load/run.sh perf       CPU samples (perf) of Patchbay or, with LOAD_PROFILE_TARGET=bare, the bare proxy under the
#                                same load: self time by symbol, the runtime, GC and kernel included (apt-get install -y linux-perf)
#   bench/load/run.sh syscalls   system calls per answered request by name, the bare proxy and Patchbay under the same load
#                                (strace -c; apt-get install -y strace)
#   bench/load/run.sh allocs     bytes allocated and gen0/1/2 collections per answered request, the bare proxy and Patchbay
#                                under the same load (dotnet-counters as a dotnet tool, same version as dotnet-trace)
# Needs nginx and wrk (apt-get install -y nginx wrk) and node_modules (npm ci). Not part of CI.
# Settings (environment):
#   LOAD_DURATION   measured seconds per target (default 15)     LOAD_WARMUP       warm-up seconds per target (default 30:
#                   Patchbay's JIT is still tiering hot methods up after 10 s; perf showed 15% of its CPU in the JIT then)
#   LOAD_CONNECTIONS  wrk connections (default 16)               LOAD_THREADS      wrk threads (default 2)
#   LOAD_ROUNDS     measured rounds, bare, host floor, then Patchbay each round (default 1); every round's figures are printed
#   LOAD_HOST_FLOOR=0  leaves the host floor out (two targets a round, as before)
#   PATCHBAY_STARTS starts for the start-up median (default 10)   LOAD_NO_BUILD=1  use the builds already there
#   LOAD_COMPARE_DIR  the root of another checkout whose src/Server is built (e.g. the commit before a change): also
#                   measured every round, after Patchbay, on port 18083, so before and after share one run
#   LOAD_BARE_ENV   environment assignments for the bare proxy only (e.g. the runtime settings Patchbay ships with)
#   LOAD_COMPARE_ENV  environment assignments for that second instance only, e.g. LOAD_COMPARE_DIR="$PWD"
#                   LOAD_COMPARE_ENV="OTEL_SDK_DISABLED=true" measures what one setting costs, in the same run
# Ports (all on 127.0.0.1): nginx 18089, bare proxy 18081, Patchbay 18082, host floor 18084, Azurite 18000-18002.
set -euo pipefail
cd "$(dirname "$0")/../.."
root="$PWD"

mode="${1:-load}"
duration="${LOAD_DURATION:-15}"
warmup="${LOAD_WARMUP:-30}"
connections="${LOAD_CONNECTIONS:-16}"
threads="${LOAD_THREADS:-2}"
rounds="${LOAD_ROUNDS:-1}"
starts="${PATCHBAY_STARTS:-10}"
if [ "$mode" = "startup" ]; then
  exec dotnet run -c Release --project bench/Patchbay.Benchmarks -- startup "$starts"
fi
work="$(mktemp -d /tmp/patchbay-load.XXXXXX)"
chmod 755 "$work"  # nginx workers (www-data) read the upstream file from it
pids=()

listening() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
wait_port() { for _ in $(seq 1 600); do listening "$1" && return 0; sleep 0.1; done; echo "nothing listens on $1 after 60 s ($2); see $work" >&2; exit 1; }
wait_http() { for _ in $(seq 1 600); do curl -fsS -o /dev/null --max-time 2 "$1" 2>/dev/null && return 0; sleep 0.1; done; echo "$1 did not answer within 60 s; see $work" >&2; exit 1; }
stop_all() {
  trap - EXIT INT TERM
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx.pid" ] && kill -QUIT "$(cat "$work/nginx.pid")" 2>/dev/null || true
  echo "logs: $work"
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

command -v nginx >/dev/null && command -v wrk >/dev/null || { echo "needs nginx and wrk: apt-get install -y nginx wrk" >&2; exit 1; }
[ -x node_modules/.bin/azurite ] || npm ci --no-audit --no-fund --loglevel=error

if [ "${LOAD_NO_BUILD:-0}" != 1 ]; then
echo "Building the bare proxy, the host floor and Patchbay (Release; LOAD_NO_BUILD=1 skips this)..."
dotnet build bench/BareProxy/BareProxy.csproj -c Release -nologo -v:q >"$work/build-bare.log" 2>&1 || { cat "$work/build-bare.log"; exit 1; }
dotnet build bench/HostFloor/HostFloor.csproj -c Release -nologo -v:q >"$work/build-host.log" 2>&1 || { cat "$work/build-host.log"; exit 1; }
dotnet build src/Server/Patchbay.Server.csproj -c Release -nologo -v:q >"$work/build-server.log" 2>&1 || { cat "$work/build-server.log"; exit 1; }
fi

# Azurite in memory on its own ports, so a developer's Azurite (10000-10002) is left alone.
node_modules/.bin/azurite --silent --inMemoryPersistence --skipApiVersionCheck --disableTelemetry \
  --blobHost 127.0.0.1 --blobPort 18000 --queueHost 127.0.0.1 --queuePort 18001 --tableHost 127.0.0.1 --tablePort 18002 \
  >"$work/azurite.log" 2>&1 &
pids+=($!)
wait_port 18002 Azurite

export AzureWebJobsStorage="DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;BlobEndpoint=http://127.0.0.1:18000/devstoreaccount1;QueueEndpoint=http://127.0.0.1:18001/devstoreaccount1;TableEndpoint=http://127.0.0.1:18002/devstoreaccount1;"
export Patchbay__ApiKeys="bench-key"
export Patchbay__EncryptionKeys="bench:$(head -c 32 /dev/urandom | base64)"
export Patchbay__AllowPrivateNetworks=true
export ASPNETCORE_ENVIRONMENT=Production
export DOTNET_NOLOGO=1
# perf mode: the runtime writes /tmp/perf-<pid>.map so perf can name JIT-compiled frames
# (and W^X off: with it, JIT code runs from a double mapping perf cannot match to the map)
[ "$mode" = perf ] && export DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0

start_patchbay() { # $1: log file, $2: checkout root (default this one), $3: port (18082); the built app itself, content root the project folder, as run.sh starts it
  # shellcheck disable=SC2086 # $4: environment assignments for this instance only (LOAD_COMPARE_ENV), split on spaces
  (cd "${2:-$root}/src/Server" && exec env ${4:-} dotnet bin/Release/net10.0/Patchbay.Server.dll --urls "http://127.0.0.1:${3:-18082}") >"$1" 2>&1 &
  patchbay_pid=$!
}

# The upstream: nginx serving 2 KB of JSON.
mkdir -p "$work/www"
python3 - "$work/www/data.json" <<'PY'
import json, sys
items = [{"id": i, "name": f"item-{i}", "status": "active", "tags": ["a", "b"], "score": i * 1.5} for i in range(40)]
doc = {"items": items}
text = json.dumps(doc)
while len(text) > 2030: doc["items"].pop(); text = json.dumps(doc)
doc["pad"] = ""; doc["pad"] = "x" * (2048 - len(json.dumps(doc))); text = json.dumps(doc)
open(sys.argv[1], "w").write(text)
PY
cat >"$work/nginx.conf" <<NGINX
worker_processes 1;
pid $work/nginx.pid;
error_log $work/nginx-error.log;
events { worker_connections 1024; }
http {
  access_log off;
  keepalive_requests 1000000;
  server {
    listen 127.0.0.1:18089;
    location / { root $work/www; default_type application/json; }
  }
}
NGINX
nginx -c "$work/nginx.conf"
wait_http http://127.0.0.1:18089/data.json
echo "upstream: $(curl -fsS http://127.0.0.1:18089/data.json | wc -c) bytes of JSON"

# shellcheck disable=SC2086 # LOAD_BARE_ENV: environment assignments for the bare proxy only, split on spaces
env ${LOAD_BARE_ENV:-} ASPNETCORE_URLS=http://127.0.0.1:18081 dotnet bench/BareProxy/bin/Release/net10.0/BareProxy.dll >"$work/bare.log" 2>&1 &
bare_pid=$!
pids+=($bare_pid)
start_patchbay "$work/patchbay.log"
pids+=($patchbay_pid)
host_floor="${LOAD_HOST_FLOOR:-1}"
if [ "$host_floor" = 1 ]; then
  # Content root src/Server, as Patchbay's: the same appsettings.json (log levels)
  (cd "$root/src/Server" && exec dotnet "$root/bench/HostFloor/bin/Release/net10.0/HostFloor.dll" --urls http://127.0.0.1:18084) >"$work/host.log" 2>&1 &
  host_pid=$!
  pids+=($host_pid)
fi
if [ -n "${LOAD_COMPARE_DIR:-}" ]; then
  patchbay_main_pid=$patchbay_pid
  start_patchbay "$work/compare.log" "$LOAD_COMPARE_DIR" 18083 "${LOAD_COMPARE_ENV:-}"
  compare_pid=$patchbay_pid
  pids+=($compare_pid)
  patchbay_pid=$patchbay_main_pid
  wait_http http://127.0.0.1:18083/api/health
fi
wait_port 18081 "bare proxy"
wait_http http://127.0.0.1:18082/api/health
[ "$host_floor" = 1 ] && wait_http http://127.0.0.1:18084/api/health

body='{"inputs":{"url":"http://127.0.0.1:18089/data.json"},"auth":{"auth_method":"none"}}'
cat >"$work/post.lua" <<LUA
wrk.method = "POST"
wrk.body = '$body'
wrk.headers["Content-Type"] = "application/json"
wrk.headers["x-functions-key"] = "bench-key"
LUA
# Both answer 200 with the upstream's body before any load.
curl -fsS -X POST -H 'content-type: application/json' -d "$body" http://127.0.0.1:18081/proxy | head -c 80; echo
curl -fsS -X POST -H 'content-type: application/json' -H 'x-functions-key: bench-key' -d "$body" \
  http://127.0.0.1:18082/api/connectors/http/actions/request | head -c 80; echo
if [ "$host_floor" = 1 ]; then
  curl -fsS -X POST -H 'content-type: application/json' -H 'x-functions-key: bench-key' -d "$body" http://127.0.0.1:18084/api/proxy | head -c 80; echo
fi

# cpu_ticks PID: user + system CPU time of the process so far, in clock ticks (/proc/PID/stat fields 14 and 15)
cpu_ticks() { awk '{ print $14 + $15 }' "/proc/$1/stat"; }

# context_switches PID: voluntary + involuntary context switches of all the process's threads so far
context_switches() { cat /proc/"$1"/task/*/status 2>/dev/null | awk '/_ctxt_switches:/ { n += $2 } END { print n + 0 }'; }

# run_wrk URL SECONDS OUT PID: prints "req/s p99_ms non2xx cpu_us_per_request" (the CPU time PID spent per answered
# request: a figure the other processes on a shared machine disturb less than req/s); the context switches of PID per
# answered request go to OUT.switches
run_wrk() {
  local c0 c1 rps p99 non2xx total s0 s1
  c0=$(cpu_ticks "$4"); s0=$(context_switches "$4")
  wrk -t"$threads" -c"$connections" -d"$2"s --latency -s "$work/post.lua" "$1" >"$3" 2>&1
  c1=$(cpu_ticks "$4"); s1=$(context_switches "$4")
  rps=$(awk '/^Requests\/sec:/ {print $2}' "$3")
  p99=$(awk '$1 == "99%" {v=$2; if (v ~ /us$/) {sub(/us$/, "", v); v/=1000} else if (v ~ /ms$/) {sub(/ms$/, "", v)} else if (v ~ /s$/) {sub(/s$/, "", v); v*=1000}; print v}' "$3")
  non2xx=$(awk '/Non-2xx or 3xx responses:/ {print $5}' "$3")
  total=$(awk '/requests in/ {print $1}' "$3")
  awk -v s=$((s1 - s0)) -v n="$total" 'BEGIN { printf "%.2f\n", (n > 0 ? s / n : 0) }' >"$3.switches"
  echo "$rps $p99 ${non2xx:-0} $(awk -v c=$((c1 - c0)) -v hz="$(getconf CLK_TCK)" -v n="$total" 'BEGIN { printf "%.0f", (n > 0 ? c / hz * 1e6 / n : 0) }')"
}

bare_url=http://127.0.0.1:18081/proxy
host_url=http://127.0.0.1:18084/api/proxy
patchbay_url=http://127.0.0.1:18082/api/connectors/http/actions/request
echo "warm-up: ${warmup} s each"
run_wrk "$bare_url" "$warmup" "$work/warmup-bare.txt" "$bare_pid" >/dev/null
[ "$host_floor" = 1 ] && run_wrk "$host_url" "$warmup" "$work/warmup-host.txt" "$host_pid" >/dev/null
run_wrk "$patchbay_url" "$warmup" "$work/warmup-patchbay.txt" "$patchbay_pid" >/dev/null
compare_url=http://127.0.0.1:18083/api/connectors/http/actions/request
[ -n "${LOAD_COMPARE_DIR:-}" ] && run_wrk "$compare_url" "$warmup" "$work/warmup-compare.txt" "$compare_pid" >/dev/null

# perf and profile: the process they sample (LOAD_PROFILE_TARGET=bare|host|patchbay) and the URL that loads it
profiled_pid=$patchbay_pid; profiled_url=$patchbay_url
[ "${LOAD_PROFILE_TARGET:-patchbay}" = bare ] && { profiled_pid=$bare_pid; profiled_url=$bare_url; }
[ "${LOAD_PROFILE_TARGET:-patchbay}" = host ] && [ "$host_floor" = 1 ] && { profiled_pid=$host_pid; profiled_url=$host_url; }
# syscalls and allocs: every target running
targets=(bare); [ "$host_floor" = 1 ] && targets+=(host); targets+=(patchbay)
target_pid() { case "$1" in bare) echo "$bare_pid" ;; host) echo "$host_pid" ;; *) echo "$patchbay_pid" ;; esac; }
target_url() { case "$1" in bare) echo "$bare_url" ;; host) echo "$host_url" ;; *) echo "$patchbay_url" ;; esac; }

if [ "$mode" = "syscalls" ]; then
  # System calls per answered request of each target, by name (strace -c on every thread; strace slows the process, the
  # counts per request stay what they are): the kernel's share of the CPU follows these. apt-get install -y strace
  command -v strace >/dev/null || { echo "needs strace: apt-get install -y strace" >&2; exit 1; }
  for target in "${targets[@]}"; do
    pid=$(target_pid "$target"); url=$(target_url "$target")
    strace -f -c -p "$pid" -o "$work/strace-$target.txt" 2>"$work/strace-$target.log" &
    strace_pid=$!
    sleep 1
    run_wrk "$url" "$duration" "$work/syscalls-wrk-$target.txt" "$pid" >/dev/null
    kill -INT "$strace_pid"; wait "$strace_pid" 2>/dev/null || true
    total=$(awk '/requests in/ {print $1}' "$work/syscalls-wrk-$target.txt")
    echo "$target: $total requests; system calls per request:"
    awk -v n="$total" '$NF ~ /^[a-z_0-9]+$/ && $4 ~ /^[0-9]+$/ { printf "  %-16s %6.2f\n", $NF, $4 / n } $2 == "total" || $NF == "total" { printf "  %-16s %6.2f\n", "total", $3 / n }' "$work/strace-$target.txt"
  done
  exit 0
fi

if [ "$mode" = "perf" ]; then
  # CPU samples of the whole process (managed code, the runtime, the GC and the kernel's share) with perf, for the target
  # (LOAD_PROFILE_TARGET=bare|patchbay) under the same load; apt-get install -y linux-perf. Prints self time by symbol.
  command -v perf >/dev/null || { echo "needs perf: apt-get install -y linux-perf" >&2; exit 1; }
  run_wrk "$profiled_url" "$((duration + 4))" "$work/perf-wrk.txt" "$profiled_pid" >"$work/perf-wrk-figures.txt" &
  wrk_pid=$!
  sleep 2
  # LOAD_PERF_EVENT=sched:sched_switch records where threads give up the CPU instead of CPU samples
  if [ -n "${LOAD_PERF_EVENT:-}" ]; then perf_what=(-e "$LOAD_PERF_EVENT"); else perf_what=(-F 999); fi
  perf record "${perf_what[@]}" -g -p "$profiled_pid" -o "$work/perf.data" -- sleep "$duration" >"$work/perf-record.log" 2>&1
  wait "$wrk_pid"
  echo "${LOAD_PROFILE_TARGET:-patchbay} under perf: $(cat "$work/perf-wrk-figures.txt") (req/s p99_ms non2xx cpu_us/request)"
  echo "self time by module:"
  perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep '%' | head -12
  echo "self time by symbol:"
  perf report -i "$work/perf.data" --no-children --sort sym --stdio -g none 2>/dev/null | grep '%' | head -"${LOAD_PERF_TOP:-60}"
  echo "perf data: $work/perf.data (perf report -i it; JIT frames resolve from /tmp/perf-<pid>.map while it exists)"
  exit 0
fi

if [ "$mode" = "allocs" ]; then
  # Bytes allocated and collections per answered request, each target under the same load while dotnet-counters reads
  # the runtime's counters (dotnet tool install -g dotnet-counters --version 10.0.750501).
  export PATH="$PATH:$HOME/.dotnet/tools"
  command -v dotnet-counters >/dev/null || { echo "needs dotnet-counters: dotnet tool install -g dotnet-counters --version 10.0.750501" >&2; exit 1; }
  printf '%-10s %10s %14s %12s %22s %16s %18s\n' target req/s cpu_us/request B/request "gen0/gen1/gen2 per 10k" "GC pause us/req" "switches/request"
  for target in "${targets[@]}"; do
    pid=$(target_pid "$target"); url=$(target_url "$target")
    dotnet-counters collect -p "$pid" --refresh-interval 1 --format csv -o "$work/counters-$target.csv" \
      --duration "00:00:00:$(printf '%02d' $((duration + 4)))" --counters 'System.Runtime[dotnet.gc.heap.total_allocated,dotnet.gc.collections,dotnet.gc.pause.time]' >"$work/counters-$target.log" 2>&1 &
    counters_pid=$!
    sleep 2
    read -r rps p99 bad cpu < <(run_wrk "$url" "$duration" "$work/allocs-$target.txt" "$pid")
    wait "$counters_pid" 2>/dev/null || true
    total=$(awk '/requests in/ {print $1}' "$work/allocs-$target.txt")
    python3 - "$work/counters-$target.csv" "$total" "$target" "$rps" "$cpu" "$(cat "$work/allocs-$target.txt.switches")" <<'PY'
import csv, sys
path, total, target, rps, cpu, switches = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
allocated, pause, gens = 0.0, 0.0, {"gen0": 0.0, "gen1": 0.0, "gen2": 0.0}
for row in csv.reader(open(path)):
    if len(row) < 5 or row[0] == "Timestamp": continue
    name, value = row[2], float(row[4] or 0)
    if name.startswith("dotnet.gc.heap.total_allocated"): allocated += value
    elif name.startswith("dotnet.gc.pause.time"): pause += value
    elif name.startswith("dotnet.gc.collections"):
        for g in gens:
            if "=" + g in name.replace(" ", ""): gens[g] += value
per10k = "/".join(f"{gens[g] * 10000 / total:.1f}" for g in gens)
print(f"{target:<10} {rps:>10} {cpu:>14} {allocated / total:>12.0f} {per10k:>22} {pause * 1e6 / total:>16.1f} {switches:>18}")
PY
  done
  exit 0
fi

if [ "$mode" = "profile" ]; then
  # The same load against Patchbay alone while dotnet-trace samples its threads; then the top frames.
  export PATH="$PATH:$HOME/.dotnet/tools"
  command -v dotnet-trace >/dev/null || { echo "needs dotnet-trace: dotnet tool install -g dotnet-trace --version 10.0.750501" >&2; exit 1; }
  echo "profiling ${LOAD_PROFILE_TARGET:-patchbay} (pid $profiled_pid) for ${duration} s under load; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
  run_wrk "$profiled_url" "$((duration + 4))" "$work/profile-wrk.txt" "$profiled_pid" >"$work/profile-wrk-figures.txt" &
  wrk_pid=$!
  sleep 2
  trace_profile="${LOAD_TRACE_PROFILE:-dotnet-sampled-thread-time}"
  dotnet-trace collect -p "$profiled_pid" --profile "$trace_profile" --duration "00:00:00:$(printf '%02d' "$duration")" \
    -o "$work/patchbay.nettrace" --format Speedscope >"$work/trace.log" 2>&1 || { cat "$work/trace.log"; exit 1; }
  wait "$wrk_pid"
  echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg); under the trace: $(cat "$work/profile-wrk-figures.txt") (req/s p99_ms non2xx cpu_us/request)"
  if [ "$trace_profile" = dotnet-sampled-thread-time ]; then
    python3 bench/load/top_frames.py "$work/patchbay.speedscope.json" | tee "$work/top-frames.txt"
  else
    echo "trace: $work/patchbay.nettrace"
  fi
  exit 0
fi

echo "wrk: $threads threads, $connections connections, ${duration} s per target; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %-10s %12s %10s %8s %14s\n' round target req/s p99_ms non2xx cpu_us/request
for r in $(seq 1 "$rounds"); do
  read -r b_rps b_p99 b_bad b_cpu < <(run_wrk "$bare_url" "$duration" "$work/bare-$r.txt" "$bare_pid")
  printf '%-6s %-10s %12s %10s %8s %14s\n' "$r" bare "$b_rps" "$b_p99" "$b_bad" "$b_cpu"
  if [ "$host_floor" = 1 ]; then
    read -r h_rps h_p99 h_bad h_cpu < <(run_wrk "$host_url" "$duration" "$work/host-$r.txt" "$host_pid")
    printf '%-6s %-10s %12s %10s %8s %14s\n' "$r" host "$h_rps" "$h_p99" "$h_bad" "$h_cpu"
  fi
  read -r p_rps p_p99 p_bad p_cpu < <(run_wrk "$patchbay_url" "$duration" "$work/patchbay-$r.txt" "$patchbay_pid")
  printf '%-6s %-10s %12s %10s %8s %14s\n' "$r" patchbay "$p_rps" "$p_p99" "$p_bad" "$p_cpu"
  if [ "$host_floor" = 1 ]; then
    awk -v b="$b_rps" -v h="$h_rps" -v bl="$b_p99" -v hl="$h_p99" -v bc="$b_cpu" -v hc="$h_cpu" \
      'BEGIN { printf "round %s: host floor/bare throughput %.2f; p99 difference %+.2f ms; CPU per request %.2fx the bare proxy'"'"'s (the host alone)\n", "'"$r"'", h / b, hl - bl, (bc > 0 ? hc / bc : 0) }'
  fi
  awk -v b="$b_rps" -v p="$p_rps" -v bl="$b_p99" -v pl="$p_p99" -v bc="$b_cpu" -v pc="$p_cpu" \
    'BEGIN { printf "round %s: Patchbay/bare throughput %.2f (target >= 0.85); p99 difference %+.2f ms (target <= 0.5); CPU per request %.2fx the bare proxy'"'"'s\n", "'"$r"'", p / b, pl - bl, (bc > 0 ? pc / bc : 0) }'
  if [ -n "${LOAD_COMPARE_DIR:-}" ]; then
    read -r c_rps c_p99 c_bad c_cpu < <(run_wrk "$compare_url" "$duration" "$work/compare-$r.txt" "$compare_pid")
    printf '%-6s %-10s %12s %10s %8s %14s\n' "$r" compare "$c_rps" "$c_p99" "$c_bad" "$c_cpu"
    awk -v b="$b_rps" -v c="$c_rps" -v bl="$b_p99" -v cl="$c_p99" -v bc="$b_cpu" -v cc="$c_cpu" \
      'BEGIN { printf "round %s: compare/bare throughput %.2f; p99 difference %+.2f ms; CPU per request %.2fx the bare proxy'"'"'s\n", "'"$r"'", c / b, cl - bl, (bc > 0 ? cc / bc : 0) }'
  fi
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
