namespace Integration.Functions.Enforcement.Rosters;

/// <summary>The roster endpoints' bodies as the OpenAPI document shows them (read by RosterInputs).</summary>
internal static class RosterBodies
{
    public const string Officers = """
        { "type": "object", "required": ["officers"], "properties": { "officers": { "type": "array", "items": { "type": "object",
            "required": ["officerId", "name", "credentialNo"], "properties": {
              "officerId": { "type": "string" }, "name": { "type": "string" }, "credentialNo": { "type": "string" }, "active": { "type": "boolean" },
              "recuse": { "type": "array", "items": { "type": "string", "description": "an owner's credit code" } } } } } },
          "example": { "officers": [{ "officerId": "housing-001", "name": "王明", "credentialNo": "鲁执0001", "recuse": ["914403001922038216"] }] } }
        """;

    public const string Targets = """
        { "type": "object", "required": ["targets"], "properties": { "targets": { "type": "array", "items": { "type": "object",
            "required": ["targetId", "name", "creditCode", "region", "industry"], "properties": {
              "targetId": { "type": "string" }, "name": { "type": "string" }, "creditCode": { "type": "string" }, "region": { "type": "string" },
              "industry": { "type": "string" }, "stratum": { "type": "string" } } } } },
          "example": { "targets": [{ "targetId": "2026-371002-48-01-000101", "name": "威海甲建设有限公司", "creditCode": "914403001922038216",
            "region": "371002", "industry": "housing-construction", "stratum": "high" }] } }
        """;
}
