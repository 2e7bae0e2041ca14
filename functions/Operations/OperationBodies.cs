namespace Integration.Functions.Operations;

/// <summary>The operator endpoints' bodies as the OpenAPI document shows them (read by OrchestrationFunctions).</summary>
internal static class OperationBodies
{
    public const string Probe = """
        { "type": "object", "description": "every field optional", "properties": {
            "instanceId": { "type": "string" }, "workingDays": { "type": "integer" }, "waitSeconds": { "type": "integer" }, "effectDelayMs": { "type": "integer" } },
          "example": { "instanceId": "probe-1", "waitSeconds": 60 } }
        """;

    public const string Terminate = """
        { "type": "object", "properties": { "reason": { "type": "string" } }, "example": { "reason": "stuck after a failed deployment" } }
        """;

    public const string Event = """
        { "type": "object", "description": "any JSON: the event's payload", "example": { "by": "ops" } }
        """;
}
