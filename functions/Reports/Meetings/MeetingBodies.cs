namespace Integration.Functions.Reports.Meetings;

/// <summary>The meeting endpoints' bodies as the OpenAPI document shows them (read by MeetingInputs).</summary>
internal static class MeetingBodies
{
    public const string Agenda = """
        { "type": "object", "required": ["items"], "properties": { "items": { "type": "array", "items": { "type": "object", "required": ["title"],
            "properties": { "title": { "type": "string" }, "detail": { "type": "string" } } } } },
          "example": { "items": [{ "title": "房建项目认领超期问题" }] } }
        """;

    public const string Schedule = """
        { "type": "object", "required": ["at"], "properties": {
            "at": { "type": "string", "format": "date-time", "description": "after now, at most a year ahead" },
            "agenda": { "type": "array", "items": { "type": "object", "required": ["title"], "properties": { "title": { "type": "string" }, "detail": { "type": "string" } } } } },
          "example": { "at": "2026-12-10T09:30:00+08:00" } }
        """;

    public const string Minutes = """
        { "type": "object", "required": ["summary"], "properties": {
            "summary": { "type": "string" }, "decisions": { "type": "array", "items": { "type": "string" } },
            "actionItems": { "type": "array", "items": { "type": "object", "required": ["owner", "what", "dueWorkingDays"], "properties": {
              "owner": { "type": "string" }, "what": { "type": "string" }, "dueWorkingDays": { "type": "integer" } } } } },
          "example": { "summary": "通报本季度认领和线索办理情况", "decisions": ["住建部门清理超期认领"],
            "actionItems": [{ "owner": "housing", "what": "清理超期未认领的审批项目", "dueWorkingDays": 5 }] } }
        """;

    public const string Request = """
        { "type": "object", "required": ["reason"], "properties": { "reason": { "type": "string" },
            "agenda": { "type": "array", "items": { "type": "object", "required": ["title"], "properties": { "title": { "type": "string" }, "detail": { "type": "string" } } } } },
          "example": { "reason": "交通工程线索集中，需专题会商", "agenda": [{ "title": "交通工程围标串标线索" }] } }
        """;

    public const string Decline = """
        { "type": "object", "required": ["reason"], "properties": { "reason": { "type": "string" } }, "example": { "reason": "并入下季度协调会" } }
        """;

    public const string Close = """
        { "type": "object", "required": ["outcome"], "properties": { "outcome": { "type": "string" } }, "example": { "outcome": "已全部认领" } }
        """;
}
