using System.Text.Json;

namespace Integration.Functions.Platform;

public static class JsonText
{
    /// <summary>Stored JSON as a value to return; text that is not JSON (e.g. a tampered entry) is returned as a string.</summary>
    public static JsonElement ToElement(string text)
    {
        try
        {
            return JsonDocument.Parse(text).RootElement.Clone();
        }
        catch (JsonException)
        {
            return JsonSerializer.SerializeToElement(text);
        }
    }
}
