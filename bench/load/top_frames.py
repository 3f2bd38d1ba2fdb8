#!/usr/bin/env python3
"""Top frames of a dotnet-trace speedscope file (bench/load/run.sh profile).

dotnet-sampled-thread-time samples every managed thread about 100 times a second, busy or not. A sample whose stack
holds a blocking wait (an idle thread-pool thread, the socket event loop, a timer thread) is idle time, not work, and
is left out; what remains approximates where the CPU went. Prints, for the busy samples: the share of each frame as
inclusive time (on the stack) and as exclusive time (the leaf), top N each.

Usage: top_frames.py FILE.speedscope.json [N]   (N: how many frames per table, default 30)
"""
import json
import sys
from collections import Counter

# Frames that mean the thread is waiting, not working.
IDLE = (
    "LowLevelLifoSemaphore.Wait", "LowLevelMonitor.Wait", "WaitHandle.Wait", "Monitor.Wait", "Thread.Sleep",
    "ManualResetEventSlim.Wait", "SemaphoreSlim.Wait", "SocketAsyncEngine.EventLoop", "Interop+Sys.WaitForSocketEvents",
    "PortableThreadPool+GateThread", "TimerQueue.TimerThread", "ThreadPoolWorkQueue.Dispatch", "WaitSubsystem.Wait",
    "Task.Wait", "Task.InternalWait", "SpinWait", "EventPipe", "DiagnosticServer", "Console.ReadLine", "ConsolePal.Read",
    "ConsoleLoggerProcessor.ProcessLogQueue", "BlockingCollection", "PollingScheduler", "Interop+Sys.Read",
)


# The pieces of Patchbay's action path, each a frame that is on the stack while that piece runs (inclusive share).
# An async method's frame is on the stack only until its first await completes asynchronously; what runs in its
# continuations is counted under the frame that resumed it, so read these as lower bounds.
PIECES = (
    ("key check (StandaloneHosting.RequireApiKeyAsync, own work)", "ApiKeyCheck.Matches"),
    ("request body: read, parse, check (RequestBody.ReadObjectAsync)", "RequestBody+<ReadObjectAsync>"),
    ("auth: read and validate (Connector.ReadAuth, ValidateAuth)", "Connector.ValidateAuth"),
    ("auth: read (ConnectorAuth.FromJson)", "ConnectorAuth.FromJson"),
    ("inputs: defaults, schema, numbers (Connector.Prepare)", "Connector.Prepare"),
    ("output schema (JsonSchema.IsValid, all)", "JsonSchema.IsValid"),
    ("FetchAsync, all (plan, Polly, HttpClient, body)", "FetchClient+<SendAsync>"),
    ("FetchAsync: plan (FetchPlan.CreateAsync)", "FetchPlan+<CreateAsync>"),
    ("FetchAsync: HttpClient.SendAsync (socket write, headers read)", "HttpClient+<<SendAsync>g__Core"),
    ("FetchAsync: buffer body (BufferBodyAsync)", "FetchClient+<BufferBodyAsync>"),
    ("FetchAsync: read response (headers, JSON parse)", "FetchResponseReader+<ReadAsync>"),
    ("http connector: result element (Request.Result, SerializeToElement)", "Patchbay.Connectors.Http.Request.Result"),
    ("result written to the response (IntegrationResult.WriteTo)", "IntegrationResult.WriteTo"),
    ("OpenTelemetry (instrumentation, processors)", "OpenTelemetry"),
    ("Activity (start, stop, tags)", "System.Diagnostics.Activity"),
    ("logging (scopes, loggers)", "Microsoft.Extensions.Logging"),
    ("GC: waiting for a collection (PollGC)", "PollGC"),
    ("GC: finalizer thread at work (array pool trimming after gen2 collections)", "Gen2GcCallback"),
    ("Kestrel: connection loop (HttpProtocol.ProcessRequests, incl. the app)", "HttpProtocol+<ProcessRequests>"),
    ("socket sends (Socket.SendAsync)", "Socket.SendAsync"),
)


def main() -> None:
    path = sys.argv[1]
    top = int(sys.argv[2]) if len(sys.argv) > 2 else 30
    with open(path, encoding="utf-8") as f:
        doc = json.load(f)
    names = [frame["name"] for frame in doc["shared"]["frames"]]
    inclusive: Counter = Counter()
    exclusive: Counter = Counter()
    busy = 0.0
    idle = 0.0
    inclusive_stacks: list = []
    for profile in doc["profiles"]:
        if profile.get("type") == "sampled":
            samples = zip(profile["samples"], profile["weights"])
        else:
            samples = evented_samples(profile)
        for stack, weight in samples:
            frames = [names[i] for i in stack]
            # A frame of the thread-pool dispatch loop is on every worker's stack; idle only when it is the leaf side's wait.
            managed = [f for f in frames if f not in ("CPU_TIME", "UNMANAGED_CODE_TIME")]
            # The finalizer thread with nothing under RunFinalizers is waiting for work.
            if not frames or any(marker in frame for frame in frames[-6:] for marker in IDLE if marker != "ThreadPoolWorkQueue.Dispatch") \
                    or frames[-1].endswith("ThreadPoolWorkQueue.Dispatch()") or (managed and managed[-1].endswith("GC.RunFinalizers()")):
                idle += weight
                continue
            busy += weight
            inclusive_stacks.append((frames, weight))
            for frame in set(frames):
                inclusive[frame] += weight
            leaf = [f for f in frames if f not in ("CPU_TIME", "UNMANAGED_CODE_TIME")]
            exclusive[leaf[-1] if leaf else frames[-1]] += weight
    print(f"busy samples' time {busy:.0f} ms, idle (waiting threads) {idle:.0f} ms; shares below are of the busy time")
    print("\npieces (inclusive share of the busy time):")
    for label, marker in PIECES:
        weight = piece_weight(inclusive_stacks, marker)
        print(f"{100 * weight / busy:6.1f}%  {label}")
    for title, counter in (("inclusive", inclusive), ("exclusive", exclusive)):
        print(f"\n{title}: share  frame")
        for frame, weight in counter.most_common(top):
            print(f"{100 * weight / busy:6.1f}%  {frame[:160]}")


def piece_weight(stacks, marker: str) -> float:
    """Time of the busy samples with a frame containing marker anywhere on the stack."""
    return sum(weight for frames, weight in stacks if any(marker in frame.split("(")[0] for frame in frames))


def evented_samples(profile):
    """Stacks and their durations from an evented profile (open/close events)."""
    stack: list = []
    last = None
    for event in profile["events"]:
        at = event["at"]
        if last is not None and stack and at > last:
            yield list(stack), at - last
        last = at
        if event["type"] == "O":
            stack.append(event["frame"])
        else:
            if stack:
                stack.pop()


if __name__ == "__main__":
    main()
