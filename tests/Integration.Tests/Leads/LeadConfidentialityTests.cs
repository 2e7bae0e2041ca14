using System.Net;
using System.Text.Json.Nodes;
using Integration.Domain.Messaging;
using Integration.Tests.Support;

namespace Integration.Tests.Leads;

/// <summary>
/// A whistle-blower's identity (seed 001 §(九)) is stored and shown to the coordinator and the
/// operator, and appears nowhere else: not in any message on the bus, not in the history, not in a log line.
/// </summary>
[Trait("lane", "integration")]
public sealed class LeadConfidentialityTests(LeadConfidentialityTests.Platform platform) : IClassFixture<LeadConfidentialityTests.Platform>
{
    public sealed class Platform : LeadPlatform
    {
        // Every category at its most talkative, so a leak anywhere in the pipeline would be caught.
        public Platform()
        {
            With("Logging:LogLevel:Default", "Trace");
            With("Logging:LogLevel:Microsoft", "Trace");
            With("Logging:LogLevel:Microsoft.AspNetCore", "Trace");
        }
    }

    private static readonly string[] Departments = ["ndrc", "housing", "police", "market", "water"];

    [Fact]
    public async Task The_source_identity_never_leaves_the_record_through_messages_history_or_logs()
    {
        platform.SetTime(Start);
        await platform.SubmitAsync(LeadPlatform.Lead("secret-1"));
        await platform.ActAsync("housing", "secret-1", "receipt", new JsonObject { ["materials"] = new JsonArray(LeadPlatform.Sha(1)) });
        await platform.ActAsync("police", "secret-1", "receipt", new JsonObject { ["materials"] = new JsonArray(LeadPlatform.Sha(1), LeadPlatform.Sha(2)) });
        await platform.ActAsync("police", "secret-1", "return", new JsonObject { ["reason"] = "未达刑事立案标准" });
        await platform.ActAsync("ndrc", "secret-1", "route", new JsonObject { ["department"] = "market" });
        await platform.ActAsync("housing", "secret-1", "completion", new JsonObject { ["completedAt"] = "2026-02-13T10:00:00+08:00" });
        platform.SetTime(new DateTimeOffset(2026, 2, 26, 0, 0, 1, TimeSpan.FromHours(8)));
        await platform.FireDeadlinesAsync("secret-1", "lead.feedback-overdue");
        await platform.ActAsync("housing", "secret-1", "result", new JsonObject { ["outcome"] = "penalty", ["decision"] = "威住建罚〔2026〕9号" });

        var messages = new List<TopicMessage>();
        foreach (var department in Departments)
        {
            messages.AddRange(await platform.MessagesAsync("leads", department, "secret-1"));
        }

        messages.AddRange(await platform.MessagesAsync("lead-feedback", "trading-center", "secret-1"));
        Assert.Equal(
            ["lead.feedback", "lead.overdue", "lead.overdue", "lead.receipt", "lead.receipt", "lead.relayed", "lead.relayed", "lead.relayed", "lead.returned", "lead.returned"],
            messages.Select(m => m.Subject).Order(StringComparer.Ordinal));
        foreach (var message in messages)
        {
            AssertNoIdentity($"{message.Subject} to {message.ApplicationProperties["department"]}", message.Body + string.Join(",", message.ApplicationProperties.Values));
        }

        var audit = await (await platform.ClientFor("admin").GetAsync("/api/audit/lead/secret-1", Cancellation)).Content.ReadAsStringAsync(Cancellation);
        Assert.Contains("lead.result-reported", audit, StringComparison.Ordinal);
        AssertNoIdentity("the history", audit);

        var lines = platform.Logs.Lines.ToArray();
        Assert.Contains(lines, l => l.Contains("/api/leads", StringComparison.Ordinal));
        foreach (var line in lines)
        {
            AssertNoIdentity("the log", line);
        }

        var stored = await platform.GetLeadAsync("secret-1", "ndrc");
        Assert.Equal(Whistleblower.IdNumber, stored.GetProperty("source").GetProperty("idNumber").GetString());
    }

    [Fact]
    public async Task A_rejected_source_is_not_echoed_back()
    {
        platform.SetTime(Start);
        var lead = LeadPlatform.Lead("secret-invalid");
        lead["source"] = new JsonObject
        {
            ["channel"] = "whistle-blower",
            ["name"] = new string('林', 101),
            ["idNumber"] = "ID-秘密-0001",
            ["phone"] = "call 秘密",
            ["email"] = "秘密-no-at-sign",
        };

        var response = await platform.PostAsync("trading-center", "/api/leads", lead);
        var text = await response.Content.ReadAsStringAsync(Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain("秘密", text, StringComparison.Ordinal);
        Assert.DoesNotContain("林林", text, StringComparison.Ordinal);
        Assert.DoesNotContain(platform.Logs.Lines, l => l.Contains("秘密", StringComparison.Ordinal));
    }

    private static void AssertNoIdentity(string where, string text)
    {
        foreach (var field in Whistleblower.Fields)
        {
            Assert.False(text.Contains(field, StringComparison.Ordinal), $"{where} holds a confidential source field: {text}");
        }
    }

    private static DateTimeOffset Start => LeadPlatform.Start;

    private static CancellationToken Cancellation => LeadPlatform.Cancellation;
}
