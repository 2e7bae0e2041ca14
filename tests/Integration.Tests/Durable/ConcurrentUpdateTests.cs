using Integration.Functions.Platform.Records;
using Integration.Tests.Support;
using Microsoft.Extensions.DependencyInjection;

namespace Integration.Tests.Durable;

/// <summary>A writer that loses every race ends with a typed failure the HTTP layer answers as 409, not a raw store error.</summary>
[Trait("lane", "integration")]
public sealed class ConcurrentUpdateTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_writer_that_always_loses_the_race_gets_ConcurrentUpdateException_and_nothing_of_it_is_stored()
    {
        using var platform = new PlatformFactory();
        var records = platform.Services.GetRequiredService<RecordStore>();
        var key = new RecordKey("test", Guid.NewGuid().ToString("N"));
        await records.CreateAsync(key, TestTopics.Step(new Counter(0, ""), "test.created"), Ct);

        var attempts = 0;
        var busy = await Assert.ThrowsAsync<ConcurrentUpdateException>(() => records.UpdateAsync<Counter>(key, record =>
        {
            attempts++;

            // Another writer commits between this one's read and its write, every time.
            records.UpdateAsync<Counter>(key, r => TestTopics.Step(r.State with { Value = r.State.Value + 1 }, "test.other"), Ct).GetAwaiter().GetResult();
            return TestTopics.Step(record.State with { Note = "loser" }, "test.loser");
        }, Ct));

        Assert.Equal(key, busy.Key);
        Assert.Equal(attempts, busy.Attempts);
        var history = await records.HistoryAsync(key, Ct);
        Assert.DoesNotContain(history, e => e.Action == "test.loser");
        Assert.Equal(1 + attempts, history.Count);
    }
}
