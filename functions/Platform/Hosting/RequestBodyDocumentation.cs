using System.Text.Json.Nodes;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Integration.Functions.Platform.Hosting;

/// <summary>
/// The JSON body a POST, PUT or PATCH function reads, as a JSON Schema with an <c>example</c> at its top. The bodies are
/// read by hand (<see cref="RequestBody"/> and each feature's input parser), so nothing can infer them: each feature keeps
/// its schemas in one file next to its functions, and the OpenAPI document shows them.
/// </summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class JsonBodyAttribute(string schema) : Attribute
{
    public string Schema { get; } = schema;
}

/// <summary>A POST, PUT or PATCH function that reads no body (a claim, a confirmation): said so, not forgotten.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class NoBodyAttribute : Attribute;

/// <summary>
/// Writes each operation's request body from <see cref="JsonBodyAttribute"/>, or marks it <c>x-no-request-body</c> from
/// <see cref="NoBodyAttribute"/>. Either replaces what the generator inferred from the parameters (it takes the
/// <c>[DurableClient]</c> parameter for a body).
/// </summary>
public sealed class RequestBodyTransformer : IOpenApiOperationTransformer
{
    public const string NoBodyExtension = "x-no-request-body";

    public Task TransformAsync(OpenApiOperation operation, OpenApiOperationTransformerContext context, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        ArgumentNullException.ThrowIfNull(context);
        var metadata = context.Description.ActionDescriptor.EndpointMetadata;
        if (metadata.OfType<JsonBodyAttribute>().FirstOrDefault() is { } body)
        {
            var schema = JsonNode.Parse(body.Schema)!.AsObject();
            operation.RequestBody = new OpenApiRequestBody
            {
                Required = true,
                Content = new Dictionary<string, OpenApiMediaType>
                {
                    ["application/json"] = new() { Schema = Schema(schema), Example = schema["example"]?.DeepClone() },
                },
            };
        }
        else if (metadata.OfType<NoBodyAttribute>().Any())
        {
            operation.RequestBody = null;
            operation.Extensions ??= new Dictionary<string, IOpenApiExtension>();
            operation.Extensions[NoBodyExtension] = new JsonNodeExtension(JsonValue.Create(true));
        }

        return Task.CompletedTask;
    }

    /// <summary>The keywords the body schemas use; any other is a mistake in a schema, not something to drop silently.</summary>
    public static OpenApiSchema Schema(JsonObject json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var schema = new OpenApiSchema();
        foreach (var (keyword, value) in json)
        {
            switch (keyword)
            {
                case "type":
                    schema.Type = Enum.Parse<JsonSchemaType>(value!.GetValue<string>(), ignoreCase: true);
                    break;
                case "description":
                    schema.Description = value!.GetValue<string>();
                    break;
                case "format":
                    schema.Format = value!.GetValue<string>();
                    break;
                case "maxLength":
                    schema.MaxLength = value!.GetValue<int>();
                    break;
                case "maxItems":
                    schema.MaxItems = value!.GetValue<int>();
                    break;
                case "enum":
                    schema.Enum = value!.AsArray().Select(v => v!.DeepClone()).ToList();
                    break;
                case "required":
                    schema.Required = value!.AsArray().Select(v => v!.GetValue<string>()).ToHashSet(StringComparer.Ordinal);
                    break;
                case "items":
                    schema.Items = Schema(value!.AsObject());
                    break;
                case "properties":
                    schema.Properties = value!.AsObject().ToDictionary(p => p.Key, p => (IOpenApiSchema)Schema(p.Value!.AsObject()), StringComparer.Ordinal);
                    break;
                case "example":
                    // The body's example goes on the media type (TransformAsync), where OpenAPI 3.1 readers look for it.
                    break;
                default:
                    throw new InvalidOperationException($"Request body schema keyword '{keyword}' is not one this document writes.");
            }
        }

        return schema;
    }
}
