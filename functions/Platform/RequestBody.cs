using System.Text.Json;
using Integration.Domain.Kernel;
using Microsoft.AspNetCore.Http.Metadata;

namespace Integration.Functions.Platform;

/// <summary>
/// The one way a function reads a JSON body. An empty body reads as an empty object, so each required
/// field is named; a body that is not JSON, or that holds a string that is not well-formed text, is
/// recorded under its path and never reaches a reader that would fail on it. The body itself is
/// never logged or echoed: a lead may carry a whistle-blower's identity.
/// </summary>
public static class RequestBody
{
    /// <summary>What a command body (a reason, a department, a receipt) may take unless its endpoint says otherwise.</summary>
    public const long CommandLimit = 64 * 1024;

    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    // Checked once the names are known to be well-formed text: the check compares names, and a lone surrogate in one fails it otherwise than with a JsonException.
    private static readonly JsonDocumentOptions Unique = new() { MaxDepth = 32, AllowDuplicateProperties = false };

    /// <summary>The body as JSON, or the 400 problem naming what is wrong with it: what every flow's command function starts with.</summary>
    public static async Task<(JsonElement Body, ProblemHttpResult? Invalid)> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var errors = new FieldErrors();
        return await ReadJsonAsync(request, errors, cancellationToken) is { } body ? (body, null) : (default, Problems.Validation(errors));
    }

    public static async Task<JsonElement?> ReadJsonAsync(HttpRequest request, FieldErrors errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        // The function's [BodyLimit], which HttpFunctionPipeline hands on in both hosts (the worker has no endpoint metadata).
        var limit = request.HttpContext.Features.Get<IRequestSizeLimitMetadata>()?.MaxRequestBodySize ?? CommandLimit;
        if (request.ContentLength > limit)
        {
            throw TooLarge(limit);
        }

        // Counted as it arrives, whatever the server's own limit: memory never holds more than the endpoint accepts.
        using var buffer = new MemoryStream();
        var chunk = new byte[8192];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw TooLarge(limit);
            }

            buffer.Write(chunk, 0, read);
        }
        var bytes = buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
        if (bytes.Span.Trim(" \t\r\n"u8).IsEmpty)
        {
            return JsonDocument.Parse("{}").RootElement.Clone();
        }

        JsonElement root;
        try
        {
            using var document = JsonDocument.Parse(bytes, Options);
            root = document.RootElement.Clone();
        }
        catch (JsonException e)
        {
            // The position, not the parser's message: the message may quote the body.
            errors.Add("$", $"The body is not valid JSON (line {e.LineNumber + 1}, byte {e.BytePositionInLine + 1}).");
            return null;
        }

        JsonStrings.Check(root, errors);
        if (errors.IsEmpty && DuplicateAt(bytes) is { } duplicate)
        {
            // Refused, not resolved: readers would otherwise disagree on which value counts (one takes the first, one the last).
            errors.Add("$", $"The body names a property twice in one object (line {duplicate.LineNumber + 1}, byte {duplicate.BytePositionInLine + 1}); send each property once (属性重复).");
        }

        return errors.IsEmpty ? root : null;
    }

    private static JsonException? DuplicateAt(ReadOnlyMemory<byte> bytes)
    {
        try
        {
            using var document = JsonDocument.Parse(bytes, Unique);
            return null;
        }
        catch (JsonException e)
        {
            return e;
        }
    }

    private static BadHttpRequestException TooLarge(long limit) =>
        new($"The request body is larger than this endpoint accepts (at most {limit:N0} bytes); nothing was stored.", StatusCodes.Status413PayloadTooLarge);

}

/// <summary>
/// The largest body a function reads, when it is not <see cref="RequestBody.CommandLimit"/>. A larger body is refused
/// with 413 as it arrives, before the app buffers it; locally it is also the endpoint's server-side limit.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class BodyLimitAttribute(long bytes) : Attribute, IRequestSizeLimitMetadata
{
    public long? MaxRequestBodySize { get; } = bytes;
}
