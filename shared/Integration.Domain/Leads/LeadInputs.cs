using System.Text.Json;
using System.Text.RegularExpressions;
using Integration.Domain.Identifiers;
using Integration.Domain.Kernel;

namespace Integration.Domain.Leads;

public sealed record ReceiptInput(IReadOnlyList<string> Materials, string? Note);

public sealed record ReturnInput(string Reason);

public sealed record CompletionInput(DateTimeOffset CompletedAt);

public sealed record ResultInput(string Outcome, string Decision, DateTimeOffset? CompletedAt);

public sealed record RouteInput(string Department, string? Reason);

/// <summary>
/// Reads the lead endpoints' bodies, collecting every invalid field. Whatever needs the lead itself
/// (the material catalogue, the state) is checked by <see cref="LeadMachine"/>.
/// </summary>
public static partial class LeadInputs
{
    /// <summary>Clocks of different machines disagree a little; beyond this an instant "from the future" is a mistake.</summary>
    public static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    public const int MaxParties = 100;
    public const int MaxEvidence = 200;

    /// <summary>
    /// A lead's JSON as stored (non-ASCII escaped) may take at most this many characters: Azure Table
    /// storage keeps a record's state and each outbound message in one string property of at most 32K
    /// characters, and a lead grows as its recipients sign, return and report.
    /// </summary>
    public const int MaxStoredLength = 20_000;

    private static readonly JsonSerializerOptions StoredForm = new(JsonSerializerDefaults.Web);

    /// <summary>
    /// A lead's body as intake reads it. <paramref name="fromFinding"/> is set only when the platform itself makes the
    /// lead of an enforcement finding: any other submitter may not choose an id of the shape reserved for those.
    /// </summary>
    public static LeadSubmission? Submission(JsonElement body, FieldErrors errors, DateTimeOffset now, IReadOnlyCollection<string> industries, bool fromFinding = false)
    {
        var f = new JsonFields(body, errors);
        var leadId = f.String("leadId", maxLength: RecordId.MaxLength);
        if (leadId is not null && !RecordId.IsValid(leadId))
        {
            f.Add("leadId", $"{TextRules.Echo(leadId)} {RecordId.Rule}.");
            leadId = null;
        }
        else if (leadId is not null && !fromFinding && LeadIds.IsReservedForFindings(leadId))
        {
            f.Add("leadId", $"{TextRules.Echo(leadId)}: an id {LeadIds.ReservedRule}; choose another.");
            leadId = null;
        }

        var discoveredAt = NotInFuture(f, "discoveredAt", now);
        var projectCode = f.String("projectCode", maxLength: 24);
        if (projectCode is not null && ProjectCode.Problem(projectCode, ChinaTime.DateOf(now).Year) is { } codeProblem)
        {
            f.Add("projectCode", codeProblem);
            projectCode = null;
        }

        var tenderId = Optional(f.String("tenderId", required: false, maxLength: 64));
        var category = f.OneOf("category", LeadVocabulary.Categories);
        var industry = f.OneOf("industry", industries, required: false);
        var summary = f.String("summary", maxLength: 2000);
        var parties = NonEmpty(f, body, "parties", f.Array("parties", Party, maxItems: MaxParties), "party");
        var evidence = NonEmpty(f, body, "evidence", f.Array("evidence", Evidence, maxItems: MaxEvidence), "item of the material catalogue");
        // Indexes only match the caller's array when every item was read.
        if (body.ValueKind == JsonValueKind.Object && body.TryGetProperty("evidence", out var sent)
            && sent.ValueKind == JsonValueKind.Array && sent.GetArrayLength() == evidence.Count)
        {
            for (var i = 0; i < evidence.Count; i++)
            {
                var first = evidence.ToList().FindIndex(e => e.Sha256 == evidence[i].Sha256);
                if (first < i)
                {
                    f.Add($"evidence[{i}].sha256", $"The same material as evidence[{first}]: each item of the catalogue is listed once.");
                }
            }
        }

        var suspectedCrime = f.Boolean("suspectedCrime");
        var source = f.Object("source", Source, required: false);

        if (!errors.IsEmpty)
        {
            return null;
        }

        var submission = new LeadSubmission(leadId!, discoveredAt!.Value, projectCode!, tenderId, category!, industry, summary!, parties, evidence, suspectedCrime!.Value, source);
        var stored = JsonSerializer.Serialize(submission, StoredForm).Length;
        if (stored > MaxStoredLength)
        {
            f.Add("$", $"The lead takes {stored} characters as stored; at most {MaxStoredLength} fit in one record. Shorten the summary or the material names, or send fewer, larger materials.");
            return null;
        }

        return submission;
    }

    public static ReceiptInput? Receipt(JsonElement body, FieldErrors errors)
    {
        var f = new JsonFields(body, errors);
        var materials = new List<string>();
        if (body.ValueKind == JsonValueKind.Object)
        {
            if (!body.TryGetProperty("materials", out var list) || list.ValueKind == JsonValueKind.Null)
            {
                f.Add("materials", "Required: the SHA-256 of each material received, from the lead's catalogue.");
            }
            else if (list.ValueKind != JsonValueKind.Array)
            {
                f.Add("materials", "Must be an array of SHA-256 hashes.");
            }
            else if (list.GetArrayLength() > MaxEvidence)
            {
                f.Add("materials", $"At most {MaxEvidence} items: a lead's catalogue holds no more.");
            }
            else
            {
                var index = 0;
                foreach (var item in list.EnumerateArray())
                {
                    var path = $"materials[{index++}]";
                    var hash = JsonStrings.TryGet(item, out var text) ? text.Trim().ToLowerInvariant() : null;
                    if (hash is null || !Sha256Pattern().IsMatch(hash))
                    {
                        errors.Add(path, $"{JsonFields.Describe(item)} is not a SHA-256 hash (64 hexadecimal digits).");
                    }
                    else if (materials.Contains(hash))
                    {
                        errors.Add(path, $"'{hash}' is listed twice.");
                    }
                    else
                    {
                        materials.Add(hash);
                    }
                }
            }
        }

        var note = Optional(f.String("note", required: false, maxLength: 2000));
        return errors.IsEmpty ? new ReceiptInput(materials, note) : null;
    }

    public static ReturnInput? Return(JsonElement body, FieldErrors errors)
    {
        var f = new JsonFields(body, errors);
        var reason = f.String("reason", maxLength: 2000);
        return errors.IsEmpty ? new ReturnInput(reason!) : null;
    }

    public static CompletionInput? Completion(JsonElement body, FieldErrors errors, DateTimeOffset now)
    {
        var f = new JsonFields(body, errors);
        var completedAt = NotInFuture(f, "completedAt", now);
        return errors.IsEmpty ? new CompletionInput(completedAt!.Value) : null;
    }

    /// <summary><c>completedAt</c> is read as optional: it may be left out when handling was already reported complete, which only the lead knows.</summary>
    public static ResultInput? Result(JsonElement body, FieldErrors errors, DateTimeOffset now)
    {
        var f = new JsonFields(body, errors);
        var outcome = f.OneOf("outcome", LeadVocabulary.Outcomes);
        var decision = f.String("decision", maxLength: 2000);
        var completedAt = NotInFuture(f, "completedAt", now, required: false);
        return errors.IsEmpty ? new ResultInput(outcome!, decision!, completedAt) : null;
    }

    public static RouteInput? Route(JsonElement body, FieldErrors errors, Func<string, bool> isDepartment)
    {
        ArgumentNullException.ThrowIfNull(isDepartment);
        var f = new JsonFields(body, errors);
        var department = f.String("department", maxLength: 64);
        if (department is not null && !isDepartment(department))
        {
            f.Add("department", $"'{department}' is not a department of the municipality.");
        }

        var reason = Optional(f.String("reason", required: false, maxLength: 2000));
        return errors.IsEmpty ? new RouteInput(department!, reason) : null;
    }

    private static LeadParty? Party(JsonFields f)
    {
        var name = f.String("name", maxLength: 200);
        var creditCode = f.String("creditCode", maxLength: 18);
        if (creditCode is not null && CreditCode.Problem(creditCode) is { } problem)
        {
            f.Add("creditCode", problem);
            creditCode = null;
        }

        var role = f.OneOf("role", LeadVocabulary.PartyRoles);
        return name is null || creditCode is null || role is null ? null : new LeadParty(name, creditCode, role);
    }

    private static LeadEvidence? Evidence(JsonFields f)
    {
        var name = f.String("name", maxLength: 300);
        var sha256 = f.String("sha256", maxLength: 64)?.ToLowerInvariant();
        if (sha256 is not null && !Sha256Pattern().IsMatch(sha256))
        {
            f.Add("sha256", $"{TextRules.Echo(sha256)} is not a SHA-256 hash (64 hexadecimal digits).");
            sha256 = null;
        }

        var uri = f.String("uri", maxLength: 2000);
        if (uri is not null && !(Uri.TryCreate(uri, UriKind.Absolute, out var parsed) && (parsed.Scheme == Uri.UriSchemeHttps || parsed.Scheme == Uri.UriSchemeHttp)))
        {
            f.Add("uri", $"{TextRules.Echo(uri)} is not an absolute http(s) address.");
            uri = null;
        }

        return name is null || sha256 is null || uri is null ? null : new LeadEvidence(name, sha256, uri);
    }

    /// <summary>Always returns a value: when a field is invalid the errors already make the submission fail.</summary>
    private static LeadSource Source(JsonFields f)
    {
        var channel = f.OneOf("channel", LeadVocabulary.SourceChannels);
        var name = Optional(f.String("name", required: false, maxLength: 100));
        var idNumber = Optional(f.String("idNumber", required: false, maxLength: 32));
        if (idNumber is not null && !IdNumberPattern().IsMatch(idNumber))
        {
            // The value itself is confidential, so the message does not repeat it.
            f.Add("idNumber", "Must be an identity document number: 15 to 18 digits, the last may be X.");
        }

        var phone = Optional(f.String("phone", required: false, maxLength: 32));
        if (phone is not null && !PhonePattern().IsMatch(phone))
        {
            f.Add("phone", "Must be a telephone number: digits, spaces, '+' and '-'.");
        }

        var email = Optional(f.String("email", required: false, maxLength: 200));
        if (email is not null && !EmailPattern().IsMatch(email))
        {
            f.Add("email", "Must be an e-mail address.");
        }

        var organization = Optional(f.String("organization", required: false, maxLength: 200));
        var note = Optional(f.String("note", required: false, maxLength: 2000));
        return new LeadSource(channel ?? "", name, idNumber, phone, email, organization, note);
    }

    private static DateTimeOffset? NotInFuture(JsonFields f, string name, DateTimeOffset now, bool required = true)
    {
        var instant = f.Instant(name, required);
        if (instant > now + ClockSkew)
        {
            f.Add(name, $"{instant:O} is in the future.");
            return null;
        }

        return instant;
    }

    private static IReadOnlyList<T> NonEmpty<T>(JsonFields f, JsonElement body, string name, IReadOnlyList<T> items, string what)
    {
        if (items.Count == 0 && body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var value)
            && value.ValueKind == JsonValueKind.Array && value.GetArrayLength() == 0)
        {
            f.Add(name, $"Required: at least one {what}.");
        }

        return items;
    }

    private static string? Optional(string? text) => string.IsNullOrEmpty(text) ? null : text;

    [GeneratedRegex("^[0-9a-f]{64}$")]
    private static partial Regex Sha256Pattern();

    [GeneratedRegex("^([0-9]{15}|[0-9]{17}[0-9Xx])$")]
    private static partial Regex IdNumberPattern();

    [GeneratedRegex(@"^\+?[0-9][0-9 \-]{4,30}$")]
    private static partial Regex PhonePattern();

    [GeneratedRegex(@"^[^@\s]+@[^@\s]+\.[^@\s]+$")]
    private static partial Regex EmailPattern();
}
