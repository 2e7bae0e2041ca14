using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;

namespace Integration.Functions.Infrastructure.Artefacts;

/// <summary>
/// Artefacts as block blobs named by their SHA-256 in one container (<c>reports</c>). A blob is uploaded only if none
/// of that name exists (If-None-Match: *), so a repeat is a no-op and a stored artefact is never overwritten.
/// </summary>
public sealed class BlobArtefactStore(BlobContainerClient container) : IArtefactStore
{
    public const string DefaultContainer = "reports";

    private readonly SemaphoreSlim created = new(1, 1);
    private bool exists;

    public BlobContainerClient Container { get; } = container;

    public async Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var sha256 = Artefacts.Sha256(content.Span);
        await EnsureContainerAsync(cancellationToken);
        var blob = Container.GetBlobClient(sha256);
        try
        {
            await blob.UploadAsync(
                BinaryData.FromBytes(content),
                new BlobUploadOptions
                {
                    Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All },
                    Metadata = new Dictionary<string, string> { ["sha256"] = sha256 },
                },
                cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 409 || e.ErrorCode == BlobErrorCode.BlobAlreadyExists)
        {
            // Stored before (a repeated step, or another instance): same name, same bytes.
        }

        return sha256;
    }

    public async Task<byte[]?> GetAsync(string sha256, CancellationToken cancellationToken)
    {
        var blob = Container.GetBlobClient(Artefacts.RequireSha256(sha256));
        try
        {
            var download = await blob.DownloadContentAsync(cancellationToken);
            return Artefacts.Checked(sha256, download.Value.Content.ToArray());
        }
        catch (RequestFailedException e) when (e.Status == 404)
        {
            return null;
        }
    }

    /// <summary>Creates the container on first use (it exists already where the templates made it; Azurite starts empty).</summary>
    private async Task EnsureContainerAsync(CancellationToken cancellationToken)
    {
        if (exists)
        {
            return;
        }

        await created.WaitAsync(cancellationToken);
        try
        {
            if (!exists)
            {
                await Container.CreateIfNotExistsAsync(PublicAccessType.None, cancellationToken: cancellationToken);
                exists = true;
            }
        }
        finally
        {
            created.Release();
        }
    }
}
