namespace Integration.Functions.Approvals;

/// <summary>The approval endpoints' bodies as the OpenAPI document shows them (read by ApprovalReader and ApprovalFunctions).</summary>
internal static class ApprovalBodies
{
    public const string Push = """
        { "type": "object", "required": ["approvalId", "version", "projectCode", "projectName", "regionCode", "industry", "approvalKind", "approvedAt", "authority", "owner", "tendering"],
          "properties": {
            "approvalId": { "type": "string" }, "version": { "type": "integer" }, "projectCode": { "type": "string" },
            "projectName": { "type": "string" }, "regionCode": { "type": "string" }, "industry": { "type": "string" },
            "approvalKind": { "type": "string", "enum": ["approval", "confirmation", "filing"] },
            "approvedAt": { "type": "string", "format": "date-time" }, "updatedAt": { "type": "string", "format": "date-time" },
            "authority": { "type": "string" },
            "owner": { "type": "object", "required": ["name", "creditCode"], "properties": { "name": { "type": "string" }, "creditCode": { "type": "string" } } },
            "investment": { "type": "number" },
            "tendering": { "type": "object", "properties": {
              "scope": { "type": "array", "items": { "type": "string" } }, "method": { "type": "string" }, "organization": { "type": "string" },
              "exemptReason": { "type": "string" } } } },
          "example": {
            "approvalId": "WH-DEMO-0001", "version": 1, "projectCode": "2026-371002-48-01-600123",
            "projectName": "环翠区海滨路片区排水管网改造工程", "regionCode": "371002", "industry": "housing-construction",
            "approvalKind": "approval", "approvedAt": "2026-11-20T10:00:00+08:00", "authority": "威海市环翠区行政审批服务局",
            "owner": { "name": "威海市环翠区城市建设投资有限公司", "creditCode": "91371002MA3C8Q2K5C" }, "investment": 56000000,
            "tendering": { "scope": ["construction", "supervision"], "method": "open", "organization": "agency" } } }
        """;

    public const string Decline = """
        { "type": "object", "required": ["reason"], "properties": { "reason": { "type": "string" } },
          "example": { "reason": "不属于本部门监管的行业" } }
        """;

    public const string Assign = """
        { "type": "object", "required": ["department"], "properties": { "department": { "type": "string" }, "reason": { "type": "string" } },
          "example": { "department": "water", "reason": "水利工程由水务局监管" } }
        """;
}
