using System.Text.Json;
using Integration.Domain.Kernel;

namespace Integration.Functions.Platform;

/// <summary>
/// The one way a function reads a JSON body. An empty body reads as an empty object, so each required
/// field is named; a body that is not JSON, or that holds a string that is not well-formed text, is
/// recorded under its path and never reaches a reader that would fail on it. The body itself is
/// never logged or echoed: a lead may carry a whistle-blower's identity.
/// </summary>
public static class RequestBody
{
    private static readonly JsonDocumentOptions Options = new() { MaxDepth = 32 };

    public static async Task<JsonElement?> ReadJsonAsync(HttpRequest request, FieldErrors errors, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(errors);
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
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
        return errors.IsEmpty ? root : null;
    }
}
