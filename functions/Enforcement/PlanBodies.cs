namespace Integration.Functions.Enforcement;

/// <summary>The plan endpoints' bodies as the OpenAPI document shows them (read by PlanInputs and FindingLeads).</summary>
internal static class PlanBodies
{
    public const string Plan = """
        { "type": "object", "required": ["planId", "title", "kind", "basis", "leadDepartment", "participants", "matters", "scope", "window"],
          "properties": {
            "planId": { "type": "string" }, "title": { "type": "string" }, "kind": { "type": "string", "enum": ["double-random", "joint-inspection", "special-campaign"] },
            "basis": { "type": "string" }, "leadDepartment": { "type": "string" }, "participants": { "type": "array", "items": { "type": "string" } },
            "matters": { "type": "array", "items": { "type": "object", "required": ["name", "basis"], "properties": { "name": { "type": "string" }, "basis": { "type": "string" } } } },
            "scope": { "type": "object", "properties": { "regions": { "type": "array", "items": { "type": "string" } }, "industries": { "type": "array", "items": { "type": "string" } } } },
            "window": { "type": "object", "required": ["from", "to"], "properties": { "from": { "type": "string", "format": "date" }, "to": { "type": "string", "format": "date" } } },
            "sampling": { "type": "object", "description": "default: one stratum all at 5 % with minimum 1, two officers per target", "properties": {
              "strata": { "type": "array", "items": { "type": "object", "required": ["name", "ratioPercent"], "properties": {
                "name": { "type": "string" }, "ratioPercent": { "type": "number" }, "minimum": { "type": "integer" } } } },
              "officersPerTarget": { "type": "integer" } } },
            "publishWithinWorkingDays": { "type": "integer" } },
          "example": {
            "planId": "WH-JE-2026-01", "title": "房屋建筑工程招标投标联合双随机抽查", "kind": "double-random", "basis": "000 §(十五)",
            "leadDepartment": "housing", "participants": ["housing", "market", "transport"],
            "matters": [{ "name": "招标文件合规性", "basis": "招标投标法实施条例 第三十二条" }],
            "scope": { "regions": ["371002"], "industries": ["housing-construction"] }, "window": { "from": "2026-12-01", "to": "2026-12-31" } } }
        """;

    public const string Reason = """
        { "type": "object", "required": ["reason"], "properties": { "reason": { "type": "string" } }, "example": { "reason": "抽查范围应包括交通工程" } }
        """;

    public const string Commit = """
        { "type": "object", "required": ["commitment"], "properties": { "commitment": { "type": "string", "description": "SHA-256 (hex) of the participant's secret nonce" } },
          "example": { "commitment": "0b2f936bc9fcd74b3e55a8245c9980d5fbc87db0845d6921611ecd004475f4aa" } }
        """;

    public const string Reveal = """
        { "type": "object", "required": ["nonce"], "properties": { "nonce": { "type": "string", "description": "at least 32 characters; hashes to the commitment" } },
          "example": { "nonce": "housing-nonce-7f3a9c2e5b8d4f6a1c0e9b7d" } }
        """;

    public const string Result = """
        { "type": "object", "required": ["resultCode", "completedAt"], "properties": {
            "resultCode": { "type": "string", "enum": ["no-problem", "unpublished-information", "false-information", "unreachable", "closed-or-liquidating", "obstruction", "corrected", "pending", "no-activity", "deregistered"] },
            "completedAt": { "type": "string", "format": "date-time" },
            "findings": { "type": "array", "description": "required when the result is a problem", "items": { "type": "object", "required": ["text"], "properties": {
              "text": { "type": "string" }, "category": { "type": "string" }, "department": { "type": "string" } } } } },
          "example": { "resultCode": "no-problem", "completedAt": "2026-12-10T16:00:00+08:00" } }
        """;

    public const string Recusal = """
        { "type": "object", "required": ["officerId", "reason"], "properties": { "officerId": { "type": "string" }, "reason": { "type": "string" } },
          "example": { "officerId": "housing-001", "reason": "与被检查单位负责人系近亲属" } }
        """;

    public const string FindingLead = """
        { "type": "object", "description": "a lead's body (POST /api/leads) without leadId, discoveredAt and category, which the finding gives", "properties": {
            "parties": { "type": "array", "items": { "type": "object" } }, "evidence": { "type": "array", "items": { "type": "object" } },
            "source": { "type": "object" }, "suspectedCrime": { "type": "boolean" } },
          "example": { "parties": [{ "name": "威海甲建设有限公司", "creditCode": "914403001922038216", "role": "bidder" }],
            "evidence": [{ "name": "检查记录", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" }] } }
        """;

    public const string AssistanceAnswer = """
        { "type": "object", "required": ["accepted"], "properties": { "accepted": { "type": "boolean" }, "reply": { "type": "string" } },
          "example": { "accepted": true, "reply": "将派员协助" } }
        """;
}
