using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Integration.Domain.Kernel;

namespace Integration.Domain.Reports.Meetings;

public sealed record ScheduleInput(DateTimeOffset At, IReadOnlyList<AgendaItem>? Agenda);

public sealed record ActionItemInput(string Owner, string What, int DueWorkingDays);

public sealed record MinutesInput(string Summary, IReadOnlyList<string> Decisions, IReadOnlyList<ActionItemInput> ActionItems)
{
    /// <summary>The SHA-256 of the minutes as sent, so the same minutes sent again are told apart from different ones.</summary>
    public string Fingerprint()
    {
        var json = JsonSerializer.Serialize(new { summary = Summary, decisions = Decisions, actionItems = ActionItems.Select(a => new { owner = a.Owner, what = a.What, dueWorkingDays = a.DueWorkingDays }) });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}

public sealed record MeetingRequestInput(string Reason, IReadOnlyList<AgendaItem> Agenda)
{
    /// <summary>
    /// The SHA-256 of the request as sent (reason, agenda titles and details; not when it arrived), so a retried request
    /// under the same idempotency key is told apart from a different one.
    /// </summary>
    public string Fingerprint()
    {
        var json = JsonSerializer.Serialize(new { reason = Reason, agenda = Agenda.Select(i => new { title = i.Title, detail = i.Detail }) });
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(json)));
    }
}

/// <summary>Reads the meeting commands' bodies, every field error listed under its JSON path.</summary>
public static class MeetingInputs
{
    public const int MaxAgendaItems = 20;
    public const int MaxTitleLength = 200;
    public const int MaxDetailLength = 1000;
    public const int MaxDecisions = 50;
    public const int MaxActionItems = 200;
    public const int MaxDueWorkingDays = 250;

    /// <summary>How far ahead a meeting may be set: a year, so a typo in the year is caught.</summary>
    public static readonly TimeSpan MaxLeadTime = TimeSpan.FromDays(366);

    /// <summary><c>{ items: [{ title, detail }] }</c>: at least one item.</summary>
    public static IReadOnlyList<AgendaItem>? Agenda(JsonElement body, FieldErrors errors, string caller, DateTimeOffset now)
    {
        var f = new JsonFields(body, errors);
        var items = AgendaList(body, f, "items", required: true, caller, now);
        return errors.IsEmpty ? items : null;
    }

    /// <summary><c>{ at, agenda? }</c>: <c>at</c> an instant after <paramref name="now"/> (shown in China time); no agenda keeps the default.</summary>
    public static ScheduleInput? Schedule(JsonElement body, FieldErrors errors, string caller, DateTimeOffset now)
    {
        var f = new JsonFields(body, errors);
        var at = f.Instant("at");
        if (at is { } when && when <= now)
        {
            f.Add("at", $"{when:O} is not in the future: a meeting is scheduled ahead of time.");
        }
        else if (at is { } later && later > now + MaxLeadTime)
        {
            f.Add("at", $"{later:O} is more than a year ahead.");
        }

        var agenda = f.Has("agenda") ? AgendaList(body, f, "agenda", required: true, caller, now) : null;
        return errors.IsEmpty && at is not null ? new ScheduleInput(ChinaTime.ToChina(at.Value), agenda) : null;
    }

    /// <summary><c>{ summary, decisions: [text], actionItems: [{ owner, what, dueWorkingDays }] }</c>; owners are member departments.</summary>
    public static MinutesInput? Minutes(JsonElement body, FieldErrors errors, Func<string, bool> isDepartment)
    {
        ArgumentNullException.ThrowIfNull(isDepartment);
        var f = new JsonFields(body, errors);
        var summary = f.String("summary", maxLength: 4000);
        var decisions = Texts(body, "decisions", errors, MaxDecisions, 1000);
        var actions = f.Array("actionItems", a =>
        {
            var owner = a.String("owner", maxLength: 64);
            if (owner is not null && !isDepartment(owner))
            {
                a.Add("owner", $"{TextRules.Echo(owner)} is not a member department.");
                owner = null;
            }

            var what = a.String("what", maxLength: 1000);
            var due = a.Integer("dueWorkingDays", 1, MaxDueWorkingDays);
            return owner is null || what is null || due is null ? null : new ActionItemInput(owner, what, (int)due.Value);
        }, required: false, maxItems: MaxActionItems);
        return errors.IsEmpty && summary is not null ? new MinutesInput(summary, decisions, actions) : null;
    }

    /// <summary><c>{ reason, agenda? }</c>: why an extra meeting is needed.</summary>
    public static MeetingRequestInput? Request(JsonElement body, FieldErrors errors, string caller, DateTimeOffset now)
    {
        var f = new JsonFields(body, errors);
        var reason = f.String("reason", maxLength: 1000);
        var agenda = AgendaList(body, f, "agenda", required: false, caller, now);
        return errors.IsEmpty && reason is not null ? new MeetingRequestInput(reason, agenda) : null;
    }

    /// <summary>A single required text field (<c>reason</c> of a decline, <c>outcome</c> of a closed action item).</summary>
    public static string? Text(JsonElement body, FieldErrors errors, string name, int maxLength)
    {
        var value = new JsonFields(body, errors).String(name, maxLength: maxLength);
        return errors.IsEmpty ? value : null;
    }

    private static List<AgendaItem> AgendaList(JsonElement body, JsonFields f, string name, bool required, string caller, DateTimeOffset now)
    {
        var items = f.Array(name, item =>
        {
            var title = item.String("title", maxLength: MaxTitleLength);
            var detail = item.String("detail", required: false, maxLength: MaxDetailLength);
            return title is null ? null : new AgendaItem(title, string.IsNullOrEmpty(detail) ? null : detail, caller, now);
        }, required, maxItems: MaxAgendaItems).ToList();
        if (required && items.Count == 0 && body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var list)
            && list.ValueKind == JsonValueKind.Array && list.GetArrayLength() == 0)
        {
            f.Add(name, "Required: at least one agenda item.");
        }

        return items;
    }

    /// <summary>An optional array of texts, each 1 to <paramref name="maxLength"/> characters of visible text.</summary>
    private static List<string> Texts(JsonElement body, string name, FieldErrors errors, int maxItems, int maxLength)
    {
        var texts = new List<string>();
        if (body.ValueKind != JsonValueKind.Object || !body.TryGetProperty(name, out var list) || list.ValueKind == JsonValueKind.Null)
        {
            return texts;
        }

        if (list.ValueKind != JsonValueKind.Array || list.GetArrayLength() > maxItems)
        {
            errors.Add(name, $"Must be an array of at most {maxItems} texts.");
            return texts;
        }

        var index = 0;
        foreach (var item in list.EnumerateArray())
        {
            var path = $"{name}[{index++}]";
            if (item.ValueKind != JsonValueKind.String || !JsonStrings.TryGet(item, out var raw))
            {
                errors.Add(path, $"{JsonFields.Describe(item)} is not text.");
            }
            else if (raw.Trim() is var text && (text.Length == 0 || text.Length > maxLength || TextRules.Problem(text) is not null))
            {
                errors.Add(path, TextRules.Problem(text) ?? $"Must hold 1 to {maxLength} characters.");
            }
            else
            {
                texts.Add(text);
            }
        }

        return texts;
    }
}
