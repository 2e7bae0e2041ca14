using Microsoft.Data.Sqlite;

namespace Integration.Benchmarks.Harness;

/// <summary>A throw-away folder for one workload's database file, deleted afterwards.</summary>
internal sealed class Scratch : IDisposable
{
    private Scratch(string path) => Path = path;

    public string Path { get; }

    public string DatabaseFile => System.IO.Path.Combine(Path, "bench.db");

    public static Scratch Create(string root, string name) =>
        new(Directory.CreateDirectory(System.IO.Path.Combine(root, $"{name}-{Guid.NewGuid():N}")).FullName);

    public void Dispose()
    {
        // Pooled connections keep the file open; without this the folder cannot go.
        SqliteConnection.ClearAllPools();
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

internal static class RepositoryRoot
{
    /// <summary>The folder holding Integration.sln, looked for above the program and above the working folder.</summary>
    public static string Find()
    {
        foreach (var start in new[] { AppContext.BaseDirectory, Directory.GetCurrentDirectory() })
        {
            for (var folder = new DirectoryInfo(start); folder is not null; folder = folder.Parent)
            {
                if (File.Exists(Path.Combine(folder.FullName, "Integration.sln")))
                {
                    return folder.FullName;
                }
            }
        }

        throw new InvalidOperationException("No folder above the program or the working folder holds Integration.sln.");
    }
}
