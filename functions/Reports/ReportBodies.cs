namespace Integration.Functions.Reports;

/// <summary>The report endpoints' bodies as the OpenAPI document shows them (read by ReportFunctions).</summary>
internal static class ReportBodies
{
    public const string Request = """
        { "type": "object", "required": ["period"], "properties": {
            "period": { "type": "string", "description": "2026Q4, 2026H2 or 2026M11-12 (Reports:Period)" }, "regenerate": { "type": "boolean" } },
          "example": { "period": "2026Q4" } }
        """;

    public const string Ack = """
        { "type": "object", "description": "may be empty: the latest version, no agenda items", "properties": {
            "version": { "type": "integer" }, "agenda": { "type": "array", "maxItems": 20, "items": { "type": "string" } } },
          "example": { "version": 1, "agenda": ["房建项目认领超期问题"] } }
        """;
}
