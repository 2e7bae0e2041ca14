using System.Collections.Concurrent;
using System.Net;
using System.Reflection;
using Integration.Domain.Storage;
using Integration.Functions.Platform;
using Integration.Tests.Platform;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace Integration.Tests.Hardening;

/// <summary>The log states what callers got, under event ids operators can alert on, in the format the environment needs.</summary>
[Trait("lane", "integration")]
public sealed class OperationsLogTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_500_is_logged_as_500_under_the_request_failed_event()
    {
        var events = new EventCapture();
        using var broken = new PlatformFactory().WithServices(s =>
        {
            s.AddSingleton<ITableStore>(new FailureTests.BrokenStore());
            s.AddSingleton<ILoggerProvider>(events);
        });
        var response = await broken.ClientFor("admin").GetAsync("/api/audit/approval/A-1", Ct);
        await response.ReadProblemAsync(HttpStatusCode.InternalServerError);

        var line = Assert.Single(events.Events, e => e.Id.Id == 1001);
        Assert.Equal(LogLevel.Error, line.Level);
        Assert.Contains("GET /api/audit/approval/A-1 answered 500", line.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(events.Events, e => e.Id.Id == 1000 && e.Message.Contains("/api/audit/approval/A-1", StringComparison.Ordinal));
        Assert.Contains("admin", line.Scopes, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_answered_request_is_logged_with_its_status_and_principal()
    {
        var events = new EventCapture();
        using var platform = new PlatformFactory().WithServices(s => s.AddSingleton<ILoggerProvider>(events));
        await (await platform.ClientFor("housing").GetAsync("/api/principals", Ct)).ReadProblemAsync(HttpStatusCode.Forbidden);

        var line = Assert.Single(events.Events, e => e.Id.Id == 1000 && e.Message.Contains("/api/principals", StringComparison.Ordinal));
        Assert.Contains("answered 403", line.Message, StringComparison.Ordinal);
        Assert.Contains("Principal:housing", line.Scopes, StringComparison.Ordinal);
    }

    [Fact]
    public void Development_logs_single_readable_lines_and_production_logs_json()
    {
        using var development = new PlatformFactory();
        using var production = new PlatformFactory("Production");
        Assert.Equal(ConsoleFormatterNames.Simple, development.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
        Assert.True(development.Services.GetRequiredService<IOptionsMonitor<SimpleConsoleFormatterOptions>>().CurrentValue.SingleLine);
        Assert.Equal(ConsoleFormatterNames.Json, production.Services.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>().CurrentValue.FormatterName);
    }

    [Fact]
    public void Every_alerting_event_has_a_unique_id_listed_in_the_operations_guide()
    {
        var guide = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "operations.md"));
        var events = typeof(LogEvents).GetMethods(BindingFlags.Public | BindingFlags.Static)
            .Select(m => m.GetCustomAttribute<LoggerMessageAttribute>())
            .OfType<LoggerMessageAttribute>()
            .ToArray();
        Assert.True(events.Length >= 10);
        Assert.Equal(events.Length, events.Select(e => e.EventId).Distinct().Count());
        Assert.All(events, e => Assert.Contains($"| {e.EventId} | `{e.EventName}` |", guide, StringComparison.Ordinal));
        Assert.All(
            ["CircuitOpened", "RecordQuarantined", "DeadlineFired", "OutboxRetry", "MessageDeadLettered", "RequestFailed"],
            name => Assert.Contains(events, e => e.EventName == name));
    }

    [Fact]
    public async Task Production_without_keys_says_so_in_one_line_at_start_up()
    {
        var events = new EventCapture();
        using var production = new PlatformFactory("Production").WithServices(s => s.AddSingleton<ILoggerProvider>(events));
        var response = await production.ClientFor("admin").GetAsync("/api/me", Ct);
        await response.ReadProblemAsync(HttpStatusCode.Unauthorized);

        var line = Assert.Single(events.Events, e => e.Id.Id == 5001);
        Assert.Equal(LogLevel.Warning, line.Level);
        Assert.Contains("No API keys are configured", line.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Development_keys_need_the_setting_as_well_as_the_environment()
    {
        using var off = new PlatformFactory().With("Identity:DevelopmentKeys", "false");
        var problem = await (await off.ClientFor("admin").GetAsync("/api/me", Ct)).ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Contains("Identity:DevelopmentKeys", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        var events = new EventCapture();
        using var production = new PlatformFactory("Production").With("Identity:DevelopmentKeys", "true").WithServices(s => s.AddSingleton<ILoggerProvider>(events));
        await (await production.ClientFor("admin").GetAsync("/api/me", Ct)).ReadProblemAsync(HttpStatusCode.Unauthorized);
        Assert.Single(events.Events, e => e.Id.Id == 5002);
    }

    /// <summary>Keeps each event with its id, level and scopes.</summary>
    public sealed class EventCapture : ILoggerProvider, ISupportExternalScope
    {
        private readonly ConcurrentQueue<(EventId Id, LogLevel Level, string Message, string Scopes)> events = new();
        private IExternalScopeProvider scopes = new LoggerExternalScopeProvider();

        public IReadOnlyCollection<(EventId Id, LogLevel Level, string Message, string Scopes)> Events => events;

        public ILogger CreateLogger(string categoryName) => new Logger(this);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(EventCapture capture) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => capture.scopes.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                var scopes = new System.Text.StringBuilder();
                capture.scopes.ForEachScope((scope, builder) => builder.Append(CultureInfo.InvariantCulture, $"[{scope}]"), scopes);
                capture.events.Enqueue((eventId, logLevel, formatter(state, exception), scopes.ToString()));
            }
        }
    }
}
