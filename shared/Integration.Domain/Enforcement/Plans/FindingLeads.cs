using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Integration.Domain.Kernel;

namespace Integration.Domain.Enforcement.Plans;

/// <summary>
/// How a bid-rigging or fraud finding becomes a lead for the lead relay: the finding supplies what it knows (the
/// lead's id, when it was discovered, its category, and by default the project and the summary); the caller adds
/// what a finding does not hold (the parties and the material catalogue), and the whole goes through the lead's
/// own validation.
/// </summary>
public static class FindingLeads
{
    /// <summary>Fields the finding decides; a caller sending them would make two leads of one finding possible.</summary>
    public static readonly IReadOnlyList<string> Fixed = ["leadId", "discoveredAt", "category"];

    public static bool MayBecomeLead(PlanFinding finding)
    {
        ArgumentNullException.ThrowIfNull(finding);
        return finding.Category is "bid-rigging" or "fraud";
    }

    /// <summary>One id per finding, so that a repeated request finds the lead it made: <c>{planId}.{taskId}.F{n}</c>, or a hash of them when that is too long.</summary>
    public static string LeadId(string planId, string taskId, int finding)
    {
        var readable = $"{planId}.{taskId}.F{finding}";
        return RecordId.IsValid(readable)
            ? readable
            : "F-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{planId}\n{taskId}\n{finding}")))[..40];
    }

    /// <summary>The lead's body: the caller's fields with the finding's filled in. A fixed field the caller sent is an error (collected with the rest).</summary>
    public static JsonElement Compose(string planId, PlanTask task, int finding, JsonElement body, FieldErrors errors)
    {
        ArgumentNullException.ThrowIfNull(task);
        ArgumentNullException.ThrowIfNull(errors);
        var result = task.Result ?? throw new InvalidOperationException($"Task {task.TaskId} has no result.");
        var found = result.Findings[finding];
        var lead = body.ValueKind == JsonValueKind.Object ? JsonNode.Parse(body.GetRawText())!.AsObject() : new JsonObject();
        foreach (var name in Fixed.Where(lead.ContainsKey))
        {
            errors.Add(name, $"Set from finding {finding} of task {task.TaskId}; leave it out.");
        }

        lead["leadId"] = LeadId(planId, task.TaskId, finding);
        lead["discoveredAt"] = result.CompletedAt.ToString("O", System.Globalization.CultureInfo.InvariantCulture);
        lead["category"] = found.Category;
        lead.TryAdd("projectCode", task.TargetId);
        lead.TryAdd("summary", found.Text);
        lead.TryAdd("suspectedCrime", false);
        return JsonSerializer.SerializeToElement(lead);
    }
}
