using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace Integration.Functions.Infrastructure.Sqlite;

/// <summary>
/// Entity properties as a JSON object of <c>{"Name": {"type": "Int32", "value": 5}}</c>.
/// The explicit type keeps what JSON alone would blur: Int32 vs Int64, a Guid or a date vs a string.
/// Type names are those of Azure's Edm types, so the file reads the same as the cloud.
/// </summary>
internal static class PropertyJson
{
    private const string DateFormat = "yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // The JSON never reaches a browser; keep names and text legible in the database file.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    /// <summary>Serializes the properties, leaving out null values (a null is an absent property).</summary>
    public static string Write(IEnumerable<KeyValuePair<string, object?>> properties)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, WriterOptions))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in properties)
            {
                if (value is null)
                {
                    continue;
                }

                writer.WriteStartObject(name);
                writer.WriteString("type", TypeName(value));
                writer.WritePropertyName("value");
                WriteValue(writer, value);
                writer.WriteEndObject();
            }

            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(stream.ToArray());
    }

    public static Dictionary<string, object?> Read(string json)
    {
        using var document = JsonDocument.Parse(json);
        var properties = new Dictionary<string, object?>(StringComparer.Ordinal);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var type = property.Value.GetProperty("type").GetString();
            var value = property.Value.GetProperty("value");
            properties[property.Name] = type switch
            {
                "String" => value.GetString(),
                "Int32" => value.GetInt32(),
                "Int64" => value.GetInt64(),
                "Double" => value.ValueKind == JsonValueKind.String
                    ? double.Parse(value.GetString()!, CultureInfo.InvariantCulture)
                    : value.GetDouble(),
                "Boolean" => value.GetBoolean(),
                "DateTime" => ParseDate(value.GetString()!),
                "Guid" => value.GetGuid(),
                "Binary" => value.GetBytesFromBase64(),
                _ => throw new InvalidDataException($"Property '{property.Name}' has unknown stored type '{type}'."),
            };
        }

        return properties;
    }

    public static string TypeName(object value) => value switch
    {
        string => "String",
        int => "Int32",
        long => "Int64",
        double => "Double",
        bool => "Boolean",
        DateTimeOffset => "DateTime",
        Guid => "Guid",
        byte[] => "Binary",
        _ => throw new ArgumentException($"Unsupported property type {value.GetType().Name}.", nameof(value)),
    };

    /// <summary>The value as SQLite sees it after <c>json_extract</c> of what <see cref="Write"/> stored.</summary>
    public static object SqlValue(object value) => value switch
    {
        double d when !double.IsFinite(d) => d.ToString(CultureInfo.InvariantCulture),
        DateTimeOffset d => FormatDate(d),
        Guid g => g.ToString("D"),
        byte[] bytes => Convert.ToBase64String(bytes),
        _ => value,
    };

    public static string FormatDate(DateTimeOffset value) =>
        value.UtcDateTime.ToString(DateFormat, CultureInfo.InvariantCulture);

    public static DateTimeOffset ParseDate(string value) =>
        new(DateTime.SpecifyKind(DateTime.ParseExact(value, DateFormat, CultureInfo.InvariantCulture), DateTimeKind.Utc));

    private static void WriteValue(Utf8JsonWriter writer, object value)
    {
        switch (value)
        {
            case string s:
                writer.WriteStringValue(s);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d when double.IsFinite(d):
                writer.WriteNumberValue(d);
                break;
            case double d:
                // JSON has no NaN or infinities; Azure's Edm.Double has them, so keep them as text.
                writer.WriteStringValue(d.ToString(CultureInfo.InvariantCulture));
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            default:
                writer.WriteStringValue((string)SqlValue(value));
                break;
        }
    }
}
