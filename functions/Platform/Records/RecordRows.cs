using System.Globalization;
using System.Text.Json;
using Integration.Domain.Audit;
using Integration.Domain.Messaging;
using Integration.Domain.Storage;

namespace Integration.Functions.Platform.Records;

/// <summary>The rows of a record's partition besides its state: history entries, outbox rows and deadlines, as stored and as read back.</summary>
internal static class RecordRows
{
    public const string HistoryPrefix = "h";
    public const string OutboxPrefix = "o";
    public const string DeadlinePrefix = "d";

    /// <summary>
    /// An outbox row that enters the deadline in the <see cref="DeadlineIndex"/>. The index is another
    /// table, so it cannot join the record's batch; the outbox row can, which makes the index entry as
    /// durable as the deadline itself. Keyed by deadline and generation, so a reset adds a new entry.
    /// </summary>
    internal static TableEntity DeadlineIndexOutboxRow(string pk, DeadlineEntry entry)
    {
        var properties = entry.ToProperties();
        properties["RowType"] = "outbox";
        properties["Index"] = DeadlineIndex.Table;
        return new TableEntity(pk, $"{OutboxPrefix}deadline:{entry.Deadline}:{entry.Generation}", properties);
    }

    internal static TableEntity HistoryRow(string pk, AuditEntry entry)
    {
        var properties = new Dictionary<string, object?>
        {
            ["RowType"] = "history",
            ["Seq"] = entry.Sequence,
            ["At"] = entry.At,
            ["Principal"] = entry.Principal,
            ["Action"] = entry.Action,
            ["PrevHash"] = entry.PreviousHash,
            ["Hash"] = entry.Hash,
        };
        LongText.Put(properties, "Data", entry.Data);
        return new TableEntity(pk, HistoryKey(entry.Sequence), properties);
    }

    internal static string HistoryKey(long sequence) => HistoryPrefix + sequence.ToString("D10", CultureInfo.InvariantCulture);

    internal static TableEntity OutboxRow(string pk, string topic, TopicMessage message)
    {
        var properties = new Dictionary<string, object?> { ["RowType"] = "outbox", ["Topic"] = topic };
        LongText.Put(properties, "Message", JsonSerializer.Serialize(message, RecordJson.Options));
        return new TableEntity(pk, OutboxPrefix + message.MessageId.Replace(pk + ":", "", StringComparison.Ordinal), properties);
    }

    internal static TableEntity DeadlineRow(string pk, Deadline d) => new(pk, DeadlinePrefix + d.Name, new Dictionary<string, object?>
    {
        ["RowType"] = "deadline",
        ["Name"] = d.Name,
        ["Action"] = d.Action,
        ["DueAt"] = d.DueAt,
        ["Status"] = d.Status.ToString().ToLowerInvariant(),
        ["Generation"] = d.Generation,
        ["Provisional"] = d.Provisional,
        ["Basis"] = d.Basis is null ? null : JsonSerializer.Serialize(d.Basis, RecordJson.Options),
        ["Data"] = d.Data,
    });

    internal static Deadline ToDeadline(TableEntity row) => new(
        row.GetString("Name") ?? row.RowKey[DeadlinePrefix.Length..],
        row.GetString("Action") ?? "",
        row.GetDateTimeOffset("DueAt") ?? DateTimeOffset.MinValue,
        Enum.Parse<DeadlineStatus>(row.GetString("Status") ?? "active", ignoreCase: true),
        row.GetInt64("Generation") ?? 1,
        row.GetBoolean("Provisional") ?? false,
        row.GetString("Basis") is { } basis ? JsonSerializer.Deserialize<WorkingDayBasis>(basis, RecordJson.Options) : null,
        row.GetString("Data"));

    internal static AuditEntry ToEntry(TableEntity row) => new(
        row.GetInt64("Seq") ?? 0,
        row.GetDateTimeOffset("At") ?? DateTimeOffset.MinValue,
        row.GetString("Principal") ?? "",
        row.GetString("Action") ?? "",
        LongText.Get(row, "Data") ?? "null",
        row.GetString("PrevHash") ?? "",
        row.GetString("Hash") ?? "");
}
