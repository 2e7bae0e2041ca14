using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Rendering;

namespace Integration.Functions.Console.Overview;

public sealed record OverdueRow(string Department, string Kind, string Id, string Step, string Deadline, int WorkingDaysLate, string Link);

public sealed record DeadLetterRow(string Topic, string Subscription, string MessageId, string Subject, string Reason, int DeliveryCount, string At);

public sealed record QuarantineRow(string Id, string Source, string Reasons, long Occurrences, string LastSeenAt);

public sealed record StuckRow(string Record, string Action, string DueAt, int Attempts, string Reason);

public sealed record FailedRow(string InstanceId, string Name, string CreatedAt, string LastUpdatedAt);

public sealed record OverviewView
{
    public string SignedInAs { get; init; } = "";

    public ConsoleForm Form { get; init; } = default!;

    public string? Error { get; init; }

    public string AsOf { get; init; } = "";

    public IReadOnlyList<OverdueRow> Overdue { get; init; } = [];

    public IReadOnlyList<DeadLetterRow> DeadLetters { get; init; } = [];

    public IReadOnlyList<QuarantineRow> Quarantined { get; init; } = [];

    public IReadOnlyList<StuckRow> Stuck { get; init; } = [];

    /// <summary>Null when this instance runs no orchestration engine.</summary>
    public IReadOnlyList<FailedRow>? Failed { get; init; }

    public string TaskHub { get; init; } = "";
}

/// <summary>总览: what needs the coordinator's or the operator's attention now, one table per kind.</summary>
public sealed class OverviewPage : ComponentBase
{
    [Parameter] public OverviewView Model { get; set; } = default!;

    protected override void BuildRenderTree(RenderTreeBuilder builder)
    {
        ConsoleDocument.Render(new ConsoleMarkup(builder), "总览", Model.SignedInAs, Model.Form, m =>
        {
            if (Model.Error is not null)
            {
                m.Element("p", Model.Error, ("class", "error"), ("role", "alert"));
                return;
            }

            m.Element("p", $"截至 {Model.AsOf}（北京时间）。", ("class", "meta"));
            Table(m, "overdue", $"超期事项（{Model.Overdue.Count}）", "没有超期事项。", ["部门", "类别", "编号", "环节", "期限", "超期"], Model.Overdue, (m, r) =>
            {
                m.Element("td", r.Department).Element("td", r.Kind);
                m.Open("td").Element("a", r.Id, ("href", r.Link)).Close();
                m.Element("td", r.Step).Element("td", r.Deadline);
                m.Open("td").Element("span", $"{r.WorkingDaysLate} 个工作日", ("class", "overdue")).Close();
            });
            Table(m, "dead-letters", $"死信消息（{Model.DeadLetters.Count}）", "没有死信消息。", ["主题 / 订阅", "消息", "原因", "投递次数", "时间"], Model.DeadLetters, (m, r) =>
                m.Element("td", $"{r.Topic} / {r.Subscription}").Element("td", $"{r.Subject}（{r.MessageId}）").Element("td", r.Reason).Element("td", r.DeliveryCount.ToString(System.Globalization.CultureInfo.InvariantCulture)).Element("td", r.At));
            Table(m, "quarantine", $"隔离的拉取记录（{Model.Quarantined.Count}）", "没有被隔离的记录。", ["审批编号", "来源", "原因", "次数", "最近一次"], Model.Quarantined, (m, r) =>
                m.Element("td", r.Id).Element("td", r.Source).Element("td", r.Reasons).Element("td", r.Occurrences.ToString(System.Globalization.CultureInfo.InvariantCulture)).Element("td", r.LastSeenAt));
            Table(m, "stuck", $"处理失败的期限（{Model.Stuck.Count}）", "没有处理失败的期限。", ["记录", "动作", "到期", "尝试次数", "原因"], Model.Stuck, (m, r) =>
                m.Element("td", r.Record).Element("td", r.Action).Element("td", r.DueAt).Element("td", r.Attempts.ToString(System.Globalization.CultureInfo.InvariantCulture)).Element("td", r.Reason));
            if (Model.Failed is null)
            {
                m.Open("section", ("class", "panel"), ("data-section", "orchestrations"), ("aria-labelledby", "orchestrations-title"))
                    .Element("h2", "失败的编排实例", ("id", "orchestrations-title"), ("style", "font-size:1.1rem;margin:0"))
                    .Element("p", "本实例未启用编排引擎（Durable:Engine=Off），无法列出编排实例。")
                    .Close();
            }
            else
            {
                Table(m, "orchestrations", $"失败的编排实例（{Model.Failed.Count}，任务中心 {Model.TaskHub}）", "没有失败的编排实例。", ["实例", "名称", "创建", "最后更新"], Model.Failed, (m, r) =>
                    m.Element("td", r.InstanceId).Element("td", r.Name).Element("td", r.CreatedAt).Element("td", r.LastUpdatedAt));
            }
        });
    }

    private static void Table<T>(ConsoleMarkup m, string id, string title, string empty, string[] headers, IReadOnlyList<T> rows, Action<ConsoleMarkup, T> row)
    {
        m.Open("section", ("class", "panel"), ("data-section", id), ("aria-labelledby", id + "-title"));
        m.Element("h2", title, ("id", id + "-title"), ("style", "font-size:1.1rem;margin:0 0 .5rem"));
        if (rows.Count == 0)
        {
            m.Element("p", empty);
        }
        else
        {
            m.Open("table").Open("thead").Open("tr");
            foreach (var header in headers)
            {
                m.Element("th", header, ("scope", "col"));
            }

            m.Close().Close().Open("tbody");
            foreach (var r in rows)
            {
                m.Open("tr");
                row(m, r);
                m.Close();
            }

            m.Close().Close();
        }

        m.Close();
    }
}
