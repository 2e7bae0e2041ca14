namespace Integration.Functions.Leads;

/// <summary>The lead endpoints' bodies as the OpenAPI document shows them (read by LeadInputs).</summary>
internal static class LeadBodies
{
    public const string Submit = """
        { "type": "object", "required": ["leadId", "discoveredAt", "projectCode", "category", "industry", "summary", "parties", "evidence", "source"],
          "properties": {
            "leadId": { "type": "string" }, "discoveredAt": { "type": "string", "format": "date-time" },
            "projectCode": { "type": "string" }, "tenderId": { "type": "string" },
            "category": { "type": "string", "description": "bid-rigging, fraud, … (LeadVocabulary)" }, "industry": { "type": "string" },
            "summary": { "type": "string" }, "suspectedCrime": { "type": "boolean" },
            "parties": { "type": "array", "items": { "type": "object", "required": ["name", "role"], "properties": {
              "name": { "type": "string" }, "creditCode": { "type": "string" }, "idNumber": { "type": "string" }, "role": { "type": "string" } } } },
            "evidence": { "type": "array", "items": { "type": "object", "required": ["name", "sha256"], "properties": {
              "name": { "type": "string" }, "sha256": { "type": "string" }, "uri": { "type": "string" } } } },
            "source": { "type": "object", "required": ["channel"], "properties": {
              "channel": { "type": "string" }, "name": { "type": "string" }, "phone": { "type": "string" }, "email": { "type": "string" },
              "organization": { "type": "string" } } } },
          "example": {
            "leadId": "WH-2026-0007", "discoveredAt": "2026-11-20T15:20:00+08:00", "projectCode": "2026-371002-48-01-000123",
            "tenderId": "WHGG2026-0042", "category": "bid-rigging", "industry": "housing-construction",
            "summary": "三家投标人的投标文件机器码一致", "suspectedCrime": false,
            "parties": [{ "name": "威海甲建设有限公司", "creditCode": "914403001922038216", "role": "bidder" }],
            "evidence": [{ "name": "机器码比对报告", "sha256": "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08", "uri": "https://ggzy.example/evidence/1.pdf" }],
            "source": { "channel": "whistle-blower", "name": "张三", "phone": "13800000000" } } }
        """;

    public const string Receipt = """
        { "type": "object", "required": ["materials"], "properties": {
            "materials": { "type": "array", "items": { "type": "string", "description": "SHA-256 of a material from the lead's catalogue" } },
            "note": { "type": "string" } },
          "example": { "materials": ["9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"] } }
        """;

    public const string Return = """
        { "type": "object", "required": ["reason"], "properties": { "reason": { "type": "string" } },
          "example": { "reason": "未达刑事立案标准，由行业主管部门处理" } }
        """;

    public const string Completion = """
        { "type": "object", "required": ["completedAt"], "properties": { "completedAt": { "type": "string", "format": "date-time" }, "note": { "type": "string" } },
          "example": { "completedAt": "2026-11-27T10:00:00+08:00" } }
        """;

    public const string Result = """
        { "type": "object", "required": ["outcome", "decision"], "properties": {
            "outcome": { "type": "string", "description": "penalty, … (LeadVocabulary.Outcomes)" }, "decision": { "type": "string" },
            "completedAt": { "type": "string", "format": "date-time", "description": "may be left out when completion was reported" },
            "note": { "type": "string" } },
          "example": { "outcome": "penalty", "decision": "威住建罚〔2026〕12号", "completedAt": "2026-11-27T10:00:00+08:00" } }
        """;

    public const string Route = """
        { "type": "object", "required": ["department"], "properties": { "department": { "type": "string" }, "reason": { "type": "string" } },
          "example": { "department": "water" } }
        """;
}
