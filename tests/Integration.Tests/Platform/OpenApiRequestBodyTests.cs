using System.Text.Json;
using Integration.Tests.Support;

namespace Integration.Tests.Platform;

/// <summary>
/// Issue 19.7: every POST, PUT and PATCH of the OpenAPI document shows the JSON body it takes, as a schema with an example,
/// or says it takes none (<c>x-no-request-body: true</c>, from [NoBody]); an operation with neither is a body nobody wrote down.
/// </summary>
[Trait("lane", "integration")]
public sealed class OpenApiRequestBodyTests(OpenApiRequestBodyTests.Platform platform) : IClassFixture<OpenApiRequestBodyTests.Platform>
{
    public sealed class Platform : PlatformFactory;

    private static readonly string[] BodyMethods = ["post", "put", "patch"];

    [Fact]
    public async Task Every_post_put_and_patch_has_a_request_body_schema_with_an_example_or_says_it_takes_none()
    {
        var document = await (await platform.CreateClient().GetAsync("/openapi/v1.json", TestContext.Current.CancellationToken)).ReadJsonAsync();
        var operations = document.GetProperty("paths").EnumerateObject()
            .SelectMany(path => path.Value.EnumerateObject()
                .Where(operation => BodyMethods.Contains(operation.Name))
                .Select(operation => (Name: $"{operation.Name.ToUpperInvariant()} {path.Name}", Operation: operation.Value)))
            .ToArray();
        Assert.True(operations.Length >= 40, $"Only {operations.Length} POST/PUT/PATCH operations in the document.");

        var missing = operations.Select(o => Problem(o.Operation) is { } problem ? $"{o.Name}: {problem}" : null).OfType<string>().ToArray();
        Assert.True(missing.Length == 0, "Operations without a documented request body:\n" + string.Join('\n', missing));

        // The convention both ways: a body, and no body, are each used (claim takes none; a lead is a body).
        Assert.True(operations.Single(o => o.Name == "POST /api/approvals/{approvalId}/claim").Operation.TryGetProperty("x-no-request-body", out _));
        var lead = operations.Single(o => o.Name == "POST /api/leads").Operation.GetProperty("requestBody").GetProperty("content").GetProperty("application/json");
        Assert.Contains("leadId", lead.GetProperty("schema").GetProperty("required").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("WH-2026-0007", lead.GetProperty("example").GetProperty("leadId").GetString());
    }

    /// <summary>What is wrong with an operation's body documentation, or null.</summary>
    private static string? Problem(JsonElement operation)
    {
        var hasBody = operation.TryGetProperty("requestBody", out var body);
        var saysNone = operation.TryGetProperty("x-no-request-body", out var none) && none.ValueKind == JsonValueKind.True;
        if (saysNone)
        {
            return hasBody ? "says it takes no body but describes one" : null;
        }

        if (!hasBody || !body.TryGetProperty("content", out var content) || !content.TryGetProperty("application/json", out var json))
        {
            return "no application/json request body, and no x-no-request-body";
        }

        if (!json.TryGetProperty("schema", out var schema) || !schema.TryGetProperty("type", out _))
        {
            return "the body has no schema of its own (an inferred parameter is not one)";
        }

        return json.TryGetProperty("example", out var example) && example.ValueKind == JsonValueKind.Object ? null : "the body has no example";
    }
}
