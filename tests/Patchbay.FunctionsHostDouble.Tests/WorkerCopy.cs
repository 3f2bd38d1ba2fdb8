namespace Patchbay.Testing.Functions.Tests;

/// <summary>A throw-away copy of the sample worker's build output, for tests that change host.json or break the worker.</summary>
internal sealed class WorkerCopy : IDisposable
{
    public WorkerCopy()
    {
        Directory = Path.Combine(Path.GetTempPath(), "patchbay-host-double-" + Guid.NewGuid().ToString("N"));
        Copy(SampleWorker.OutputDirectory, Directory);
    }

    public string Directory { get; }

    public string PathOf(string relative) => Path.Combine(Directory, relative);

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by an exiting process; the temp folder is cleaned by the OS.
        }
    }

    private static void Copy(string source, string target)
    {
        System.IO.Directory.CreateDirectory(target);
        foreach (string file in System.IO.Directory.GetFiles(source))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }

        foreach (string folder in System.IO.Directory.GetDirectories(source))
        {
            Copy(folder, Path.Combine(target, Path.GetFileName(folder)));
        }
    }
}
