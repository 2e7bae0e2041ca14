using System.Globalization;

namespace Integration.Functions.Console.Reports;

/// <summary>The meeting panel and the action-item list of 协调通报, with the forms the signed-in principal may use.</summary>
internal static class MeetingSection
{
    public static void Render(ConsoleMarkup m, MeetingPanel meeting, ConsoleForm form, IReadOnlyList<(string Id, string Name)> departments)
    {
        var action = $"/console/reports/{Uri.EscapeDataString(meeting.Period)}/meeting";
        m.Open("section", ("class", "panel"), ("aria-labelledby", "meeting-title"), ("data-meeting", meeting.Status));
        m.Element("h2", $"协调会商 · {meeting.Status}", ("id", "meeting-title"), ("style", "font-size:1.1rem;margin:0"));
        m.Element("p", meeting.At is null ? "会商时间：尚未安排。" : $"会商时间：{meeting.At}（北京时间）", ("class", "meeting-at"));
        m.Element("h3", meeting.AgendaSet ? "会商议题" : "各部门提交的议题（排期时默认列入）", ("style", "font-size:1rem"));
        if (meeting.Agenda.Count == 0)
        {
            m.Element("p", "暂无议题。", ("class", "meta"));
        }
        else
        {
            m.Open("ol", ("class", "agenda"));
            foreach (var item in meeting.Agenda)
            {
                m.Element("li", item);
            }

            m.Close();
        }

        if (meeting.MinutesSummary is not null)
        {
            m.Open("div", ("class", "minutes"));
            m.Element("h3", $"会议纪要（{meeting.MinutesRecordedAt} 录入）", ("style", "font-size:1rem"));
            m.Element("p", meeting.MinutesSummary, ("style", "white-space:pre-wrap"));
            if (meeting.Decisions.Count > 0)
            {
                m.Element("p", "议定事项：", ("class", "meta"));
                m.Open("ul");
                foreach (var decision in meeting.Decisions)
                {
                    m.Element("li", decision);
                }

                m.Close();
            }

            m.Close();
        }

        if (meeting.MaySchedule)
        {
            m.Open("form", ("method", "post"), ("action", action), ("aria-label", "安排会商")).Antiforgery(form);
            m.Open("label").Text("会商时间（北京时间）")
                .Open("input", ("type", "datetime-local"), ("id", "field-at"), ("name", "at"), ("value", meeting.AtInput), ("required", true)).Close()
                .Close();
            m.Open("label").Text("会商议题（可选，每行一条；留空则沿用已列入或各部门提交的议题）")
                .Open("textarea", ("id", "field-agenda"), ("name", "agenda"), ("rows", "3"), ("maxlength", "10000")).Close()
                .Close();
            m.Element("button", meeting.At is null ? "安排会商" : "改期", ("type", "submit"));
            m.Close();
        }

        if (meeting.MinutesOpenAt is not null)
        {
            m.Element("p", $"会商召开（{meeting.MinutesOpenAt}）后可录入会议纪要。", ("class", "meta"));
        }

        if (meeting.MayRecordMinutes)
        {
            Minutes(m, action + "/minutes", form, departments);
        }

        m.Close();
    }

    private static void Minutes(ConsoleMarkup m, string action, ConsoleForm form, IReadOnlyList<(string Id, string Name)> departments)
    {
        m.Open("form", ("method", "post"), ("action", action), ("aria-label", "录入会议纪要")).Antiforgery(form);
        m.Element("h3", "录入会议纪要", ("style", "font-size:1rem"));
        m.Open("label").Text("会议纪要")
                .Open("textarea", ("id", "field-summary"), ("name", "summary"), ("rows", "4"), ("maxlength", "4000"), ("required", true)).Close()
                .Close();
        m.Open("label").Text("议定事项（可选，每行一条）")
                .Open("textarea", ("id", "field-decisions"), ("name", "decisions"), ("rows", "3"), ("maxlength", "50000")).Close()
                .Close();
        for (var i = 0; i < MeetingConsole.MinuteRows; i++)
        {
            var row = (i + 1).ToString(CultureInfo.InvariantCulture);
            m.Open("fieldset", ("data-action-row", row)).Element("legend", $"督办事项第 {row} 行（不需要可留空）");
            m.Open("label").Text("责任部门");
            m.Open("select", ("id", $"field-actionItems-{i}"), ("name", "owner"));
            m.Element("option", "请选择", ("value", ""));
            foreach (var (id, name) in departments)
            {
                m.Element("option", name, ("value", id));
            }

            m.Close().Close();
            m.Open("label").Text("事项")
                .Open("input", ("type", "text"), ("id", $"what-{i}"), ("name", "what"), ("maxlength", "1000")).Close()
                .Close();
            m.Open("label").Text("办理时限（工作日）")
                .Open("input", ("type", "number"), ("id", $"due-{i}"), ("name", "due"), ("min", "1"), ("max", "250"), ("inputmode", "numeric")).Close()
                .Close();
            m.Close();
        }

        m.Element("p", "纪要只录入一次；督办事项自纪要录入当日起按工作日计时，并通知责任部门。", ("class", "meta"));
        m.Element("button", "录入纪要", ("type", "submit"));
        m.Close();
    }

    /// <summary>督办事项: each with its countdown (已超期 in red), its outcome once closed, and the close form for its owner.</summary>
    public static void Actions(ConsoleMarkup m, IReadOnlyList<ActionRow> actions, ConsoleForm form)
    {
        if (actions.Count == 0)
        {
            return;
        }

        m.Open("section", ("class", "panel"), ("aria-labelledby", "actions-title"), ("id", "actions"));
        m.Element("h2", "督办事项", ("id", "actions-title"), ("style", "font-size:1.1rem;margin:0"));
        m.Open("ul", ("class", "queue"), ("aria-label", "督办事项"));
        foreach (var a in actions)
        {
            m.Open("li", ("data-action", a.Id), ("data-status", a.Open ? "open" : "closed"));
            m.Element("h3", $"{a.Id} · {a.Owner}", ("style", "font-size:1rem;margin:0"));
            m.Element("p", a.What);
            m.Element("p", $"来自会商 {a.MeetingId}{(a.Period is null ? "" : "（" + a.Period + " 通报）")}", ("class", "meta"));
            if (a.Open)
            {
                ConsoleNotices.Clock(m, a.Clock);
            }
            else
            {
                m.Open("p", ("class", "meta")).Text($"已于 {a.ClosedAt}（北京时间）办结");
                if (a.Late)
                {
                    m.Text("，").Element("span", $"逾期 {a.WorkingDaysLate} 个工作日", ("class", "overdue"));
                }

                m.Text("。").Close();
                m.Element("p", "办理结果：" + a.Outcome, ("class", "outcome"));
            }

            if (a.MayClose)
            {
                var id = "field-outcome-" + a.Id;
                m.Open("form", ("method", "post"), ("action", $"/console/reports/actions/{Uri.EscapeDataString(a.Id)}/close")).Antiforgery(form);
                m.Open("label").Text($"办理结果（{a.Id}）")
                .Open("textarea", ("id", id), ("name", "outcome"), ("rows", "2"), ("maxlength", "2000"), ("required", true)).Close()
                .Close();
                m.Element("button", "办结", ("type", "submit"), ("aria-label", $"办结 {a.Id}"));
                m.Close();
            }

            m.Close();
        }

        m.Close();
        m.Close();
    }
}
