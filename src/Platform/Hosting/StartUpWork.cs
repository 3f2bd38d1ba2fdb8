namespace Patchbay.Platform.Hosting;

/// <summary>
/// Start-up work run on the thread pool ahead of the thread that needs it (issue 15, start-up): whatever the start-up
/// path reads later either finds it done, waits for it, or (after a failure) runs it again and throws there. A failure
/// here is therefore only observed, never reported twice nor left as an unobserved task exception.
/// </summary>
internal static class StartUpWork
{
    /// <summary>Runs <paramref name="work"/> on the thread pool.</summary>
    public static void Start(Action work) => Observe(Task.Run(work));

    /// <summary>Observes a failure of <paramref name="running"/>; its result is read, and its failure thrown, elsewhere.</summary>
    public static void Observe(Task running) =>
        _ = running.ContinueWith(static failed => failed.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
}
