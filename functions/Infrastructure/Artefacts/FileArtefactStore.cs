namespace Integration.Functions.Infrastructure.Artefacts;

/// <summary>
/// Artefacts as files under <c>{Storage:DataPath}/artefacts/{first two hex digits}/{sha256}</c>. A file is written
/// under a temporary name and then moved into place, so a crash never leaves a partial file under an artefact's name.
/// </summary>
public sealed class FileArtefactStore(string folder) : IArtefactStore
{
    public const string FolderName = "artefacts";

    public string Folder { get; } = folder;

    public string PathOf(string sha256) => Path.Combine(Folder, Artefacts.RequireSha256(sha256)[..2], sha256);

    public async Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var sha256 = Artefacts.Sha256(content.Span);
        var path = PathOf(sha256);
        if (File.Exists(path))
        {
            return sha256;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var temporary = $"{path}.{Guid.NewGuid():N}.tmp";
        try
        {
            await using (var file = new FileStream(temporary, FileMode.CreateNew, FileAccess.Write, FileShare.None, 4096, FileOptions.Asynchronous))
            {
                await file.WriteAsync(content, cancellationToken);
                await file.FlushAsync(cancellationToken);
                file.Flush(flushToDisk: true);
            }

            File.Move(temporary, path, overwrite: false);
        }
        catch (IOException) when (File.Exists(path))
        {
            // Another writer stored the same bytes first: the artefact is there, and it is the same.
        }
        finally
        {
            File.Delete(temporary);
        }

        return sha256;
    }

    public async Task<byte[]?> GetAsync(string sha256, CancellationToken cancellationToken)
    {
        var path = PathOf(sha256);
        try
        {
            return Artefacts.Checked(sha256, await File.ReadAllBytesAsync(path, cancellationToken));
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return null;
        }
    }
}
