using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using Azure.Storage.Blobs;
using DocumentFormat.OpenXml.Packaging;
using Integration.Domain.Kernel;
using Integration.Domain.Reports;
using Integration.Functions.Infrastructure;
using Integration.Functions.Infrastructure.Artefacts;
using Integration.Functions.Infrastructure.Topics;
using Integration.Functions.Platform.Records;
using Integration.Functions.Reports;
using Integration.Tests.Orchestrations;
using Integration.Tests.Support;
using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Integration.Tests.Reports;

/// <summary>The content-addressed artefact store: files under the data folder, for real.</summary>
[Trait("lane", "integration")]
public sealed class FileArtefactStoreTests : IDisposable
{
    private readonly string folder = Path.Combine(Path.GetTempPath(), "integration-tests", "artefacts-" + Guid.NewGuid().ToString("N"));

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public async Task Stores_bytes_once_under_their_hash_reads_them_back_and_refuses_a_tampered_file()
    {
        var store = new FileArtefactStore(folder);
        var content = "报告 report"u8.ToArray();

        var sha256 = await store.PutAsync(content, Ct);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), sha256);
        Assert.Equal(sha256, await store.PutAsync(content, Ct));
        Assert.Equal([store.PathOf(sha256)], Directory.GetFiles(folder, "*", SearchOption.AllDirectories));
        Assert.Equal(content, await store.GetAsync(sha256, Ct));
        Assert.Null(await store.GetAsync(new string('0', 64), Ct));
        await Assert.ThrowsAsync<ArgumentException>(() => store.GetAsync("../../integration.db", Ct));

        await File.WriteAllBytesAsync(store.PathOf(sha256), "报告 rep0rt"u8.ToArray(), Ct);
        var corrupt = await Assert.ThrowsAsync<ArtefactCorruptException>(() => store.GetAsync(sha256, Ct));
        Assert.Equal(sha256, corrupt.Sha256);

        // Storing the original again does not repair it silently: what is stored under a hash is never overwritten.
        await store.PutAsync(content, Ct);
        await Assert.ThrowsAsync<ArtefactCorruptException>(() => store.GetAsync(sha256, Ct));
    }

    [Fact]
    public void The_store_follows_the_storage_provider_and_an_endpoint_deployment_must_name_the_blob_endpoint()
    {
        using (var local = Build(new() { ["Storage:DataPath"] = folder }))
        {
            var files = Assert.IsType<FileArtefactStore>(local.GetRequiredService<IArtefactStore>());
            Assert.Equal(Path.Combine(folder, "artefacts"), files.Folder);
        }

        using (var azure = Build(new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:TableEndpoint"] = "https://stweihai.table.core.chinacloudapi.cn",
            ["Storage:BlobEndpoint"] = "https://stweihai.blob.core.chinacloudapi.cn",
        }))
        {
            var blobs = Assert.IsType<BlobArtefactStore>(azure.GetRequiredService<IArtefactStore>());
            Assert.Equal(new Uri("https://stweihai.blob.core.chinacloudapi.cn/reports"), blobs.Container.Uri);
        }

        using var missing = Build(new()
        {
            ["Storage:Provider"] = "AzureTables",
            ["Storage:TableEndpoint"] = "https://stweihai.table.core.chinacloudapi.cn",
        });
        var failure = Assert.Throws<OptionsValidationException>(() => missing.GetRequiredService<IOptions<StorageOptions>>().Value);
        Assert.Contains("Storage:BlobEndpoint", failure.Message, StringComparison.Ordinal);
    }

    private static ServiceProvider Build(Dictionary<string, string?> settings)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
        return new ServiceCollection().AddLogging().AddTableStore(configuration).AddArtefactStore(configuration).BuildServiceProvider();
    }
}

/// <summary>The Blob storage adapter against Azurite's blob service.</summary>
[Trait("lane", "integration")]
[Collection(nameof(DurableAzuriteCollection))]
public sealed class BlobArtefactStoreTests(DurableAzuriteFixture azurite)
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Stores_a_blob_once_under_its_hash_reads_it_back_and_refuses_a_tampered_blob()
    {
        var container = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient("reports-" + Guid.NewGuid().ToString("N")[..12]);
        var store = new BlobArtefactStore(container);
        var content = "通报 workbook"u8.ToArray();

        var sha256 = await store.PutAsync(content, Ct);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(content)), sha256);
        var first = (await container.GetBlobClient(sha256).GetPropertiesAsync(cancellationToken: Ct)).Value;
        Assert.Equal(sha256, await store.PutAsync(content, Ct));
        var second = (await container.GetBlobClient(sha256).GetPropertiesAsync(cancellationToken: Ct)).Value;
        Assert.Equal(first.ETag, second.ETag);
        Assert.Equal(sha256, second.Metadata["sha256"]);
        Assert.Equal(content, await store.GetAsync(sha256, Ct));
        Assert.Null(await store.GetAsync(new string('a', 64), Ct));

        await container.GetBlobClient(sha256).UploadAsync(BinaryData.FromBytes("通报 w0rkbook"u8.ToArray()), overwrite: true, Ct);
        await Assert.ThrowsAsync<ArtefactCorruptException>(() => store.GetAsync(sha256, Ct));
    }
}

/// <summary>A report's artefacts stored once per version; the workbook's bytes stable; each step of a run repeatable.</summary>
[Trait("lane", "integration")]
public sealed class ReportArtefactsInPlaceTests : IDisposable
{
    private readonly PlatformFactory platform = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    public void Dispose() => platform.Dispose();

    [Fact]
    public async Task The_page_and_workbook_served_are_the_stored_artefacts_and_the_workbook_is_byte_identical_when_rendered_again()
    {
        var report = await (await platform.ClientFor("ndrc").PostAsJsonAsync("/api/reports/coordination", new { period = "2026Q1" }, Ct)).ReadJsonAsync(HttpStatusCode.Created);
        var artefacts = report.GetProperty("artefacts");
        Assert.Equal(report.GetProperty("sha256").GetString(), artefacts.GetProperty("json").GetString());

        // The coordinator's copy is the stored artefact; a department's is its own section, rendered on request.
        var page = await platform.ClientFor("ndrc").GetByteArrayAsync("/api/reports/coordination/2026Q1.html", Ct);
        var workbook = await platform.ClientFor("ndrc").GetByteArrayAsync("/api/reports/coordination/2026Q1.xlsx", Ct);
        Assert.Equal(artefacts.GetProperty("html").GetString(), Artefacts.Sha256(page));
        Assert.Equal(artefacts.GetProperty("xlsx").GetString(), Artefacts.Sha256(workbook));
        var files = new FileArtefactStore(Path.Combine(platform.DataPath, "artefacts"));
        foreach (var sha256 in new[] { "json", "html", "xlsx" }.Select(k => artefacts.GetProperty(k).GetString()!))
        {
            Assert.True(File.Exists(files.PathOf(sha256)), sha256);
        }

        // Rendered again from the same content: the same bytes, every zip entry at the one fixed time.
        var stored = await platform.Services.GetRequiredService<CoordinationReports>().GetAsync("2026Q1", 1, Ct);
        var again = ReportDocuments.Workbook(stored!.Content, stored.Version.Sha256);
        Assert.Equal(workbook, again);
        using (var zip = new ZipArchive(new MemoryStream(again), ZipArchiveMode.Read))
        {
            Assert.All(zip.Entries, e => Assert.Equal(new DateTime(1980, 1, 1), e.LastWriteTime.DateTime));
        }

        using var document = SpreadsheetDocument.Open(new MemoryStream(workbook), isEditable: false);
        Assert.Equal(report.GetProperty("departments").GetArrayLength() + 1, document.WorkbookPart!.WorksheetParts.Count());
    }

    [Fact]
    public async Task A_tampered_stored_document_is_answered_as_artefact_corrupt_naming_period_version_and_format_and_logged_as_an_error()
    {
        var events = new Hardening.OperationsLogTests.EventCapture();
        using var observed = new PlatformFactory().WithServices(s => s.AddSingleton<Microsoft.Extensions.Logging.ILoggerProvider>(events));
        var report = await (await observed.ClientFor("ndrc").PostAsJsonAsync("/api/reports/coordination", new { period = "2026Q1" }, Ct)).ReadJsonAsync(HttpStatusCode.Created);
        var artefacts = report.GetProperty("artefacts");
        var files = new FileArtefactStore(Path.Combine(observed.DataPath, "artefacts"));
        var html = artefacts.GetProperty("html").GetString()!;
        var page = await File.ReadAllBytesAsync(files.PathOf(html), Ct);
        page[^3] ^= 0x20;
        await File.WriteAllBytesAsync(files.PathOf(html), page, Ct);

        var problem = await (await observed.ClientFor("ndrc").GetAsync("/api/reports/coordination/2026Q1.html", Ct)).ReadProblemAsync(HttpStatusCode.InternalServerError);
        Assert.Equal(ArtefactCorruptProblem.Type, problem.GetProperty("type").GetString());
        Assert.Equal("artefact-corrupt", problem.GetProperty("code").GetString());
        Assert.Equal("2026Q1", problem.GetProperty("period").GetString());
        Assert.Equal(1, problem.GetProperty("version").GetInt32());
        Assert.Equal("html", problem.GetProperty("format").GetString());
        Assert.Equal(html, problem.GetProperty("sha256").GetString());
        Assert.Contains("coordination report 2026Q1 v1 (html)", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
        Assert.True(problem.TryGetProperty("correlationId", out _));
        var logged = Assert.Single(events.Events, e => e.Id.Id == 3010);
        Assert.Equal(Microsoft.Extensions.Logging.LogLevel.Error, logged.Level);
        Assert.Contains(html, logged.Message, StringComparison.Ordinal);

        // The workbook is untouched and still served; the tampered content JSON fails the report itself, as json.
        Assert.Equal(HttpStatusCode.OK, (await observed.ClientFor("housing").GetAsync("/api/reports/coordination/2026Q1.xlsx", Ct)).StatusCode);
        var json = artefacts.GetProperty("json").GetString()!;
        await File.WriteAllTextAsync(files.PathOf(json), "{}", Ct);
        var content = await (await observed.ClientFor("ndrc").GetAsync("/api/reports/coordination/2026Q1", Ct)).ReadProblemAsync(HttpStatusCode.InternalServerError);
        Assert.Equal(("json", json), (content.GetProperty("format").GetString(), content.GetProperty("sha256").GetString()));
    }

    [Fact]
    public async Task Each_step_repeated_after_a_crash_changes_nothing_and_the_version_reaches_each_department_once()
    {
        var reports = platform.Services.GetRequiredService<CoordinationReports>();
        var (_, run) = await reports.NextAsync("2026Q1", regenerate: false, "ndrc", Ct);
        Assert.Equal(new ReportRun("2026Q1", 1, null, "ndrc"), run);

        var json = await reports.ComputeAndStoreAsync(run!, Ct);
        var artefacts = await reports.RenderAndStoreAsync(run!, json, Ct);
        Assert.Equal(artefacts, await reports.RenderAndStoreAsync(run!, json, Ct));
        var published = await reports.PublishAsync(run!, artefacts, Ct);
        var repeated = await reports.PublishAsync(run!, artefacts, Ct);
        Assert.Equal(published, repeated);

        // After publication the steps return what the version holds, whatever the clock says now.
        Assert.Equal(json, await reports.ComputeAndStoreAsync(run!, Ct));
        Assert.Equal(artefacts, await reports.RenderAndStoreAsync(run!, json, Ct));
        var record = await platform.Services.GetRequiredService<RecordStore>().GetAsync<CoordinationReportState>(CoordinationReports.Key("2026Q1"), Ct);
        Assert.Equal([1], record!.State.Versions.Select(v => v.Version));
        Assert.Equal((artefacts.Html, artefacts.Workbook), (record.State.Latest!.Html, record.State.Latest.Workbook));

        await platform.Services.GetRequiredService<OutboxDispatcher>().SweepAsync(Ct);
        var received = await platform.Services.GetRequiredService<SqliteTopicReceiver>().ReceiveAsync(CoordinationReports.Topic, "housing", 100, Ct);
        Assert.Equal(["report:2026Q1:v1:housing"], received.Select(r => r.Message.MessageId));
    }
}

/// <summary>With the Durable Task engine on (Azure Storage provider on Azurite): POST answers 202 and the orchestration makes the version.</summary>
[Trait("lane", "integration")]
[Collection(nameof(DurableAzuriteCollection))]
public sealed class ReportOrchestrationTests(DurableAzuriteFixture azurite)
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_requested_report_is_made_by_its_orchestration_read_as_202_while_it_runs_and_delivered_once_per_department()
    {
        using var platform = new PlatformFactory()
            .With("Durable:Engine", "Local")
            .With("Durable:StorageConnectionString", azurite.ConnectionString)
            .With("Durable:TaskHub", DurableAzuriteFixture.NewTaskHub());
        using var ndrc = platform.ClientFor("ndrc");

        var started = await ndrc.PostAsJsonAsync("/api/reports/coordination", new { period = "2026Q1" }, Ct);
        var run = await started.ReadJsonAsync(HttpStatusCode.Accepted);
        Assert.Equal("report-2026Q1-v1", run.GetProperty("instanceId").GetString());
        Assert.Equal("/api/reports/coordination/2026Q1?version=1", started.Headers.Location!.OriginalString);

        // Asked again while it runs (or once it is done), the same run or its report answers: never a second instance.
        var repeat = await ndrc.PostAsJsonAsync("/api/reports/coordination", new { period = "2026Q1" }, Ct);
        Assert.Contains(repeat.StatusCode, new[] { HttpStatusCode.Accepted, HttpStatusCode.OK });

        var report = await WaitForReportAsync(ndrc, "/api/reports/coordination/2026Q1", Ct);
        Assert.Equal(1, report.GetProperty("version").GetInt32());
        Assert.Equal("ndrc", report.GetProperty("requestedBy").GetString());
        var workbook = await ndrc.GetByteArrayAsync("/api/reports/coordination/2026Q1.xlsx", Ct);
        Assert.Equal(report.GetProperty("artefacts").GetProperty("xlsx").GetString(), Artefacts.Sha256(workbook));

        var regenerated = await ndrc.PostAsJsonAsync("/api/reports/coordination", new { period = "2026Q1", regenerate = true }, Ct);
        Assert.Equal("report-2026Q1-v2", (await regenerated.ReadJsonAsync(HttpStatusCode.Accepted)).GetProperty("instanceId").GetString());
        var second = await WaitForReportAsync(ndrc, "/api/reports/coordination/2026Q1?version=2", Ct);
        Assert.Equal(1, second.GetProperty("supersedes").GetInt32());

        await platform.Services.GetRequiredService<OutboxDispatcher>().SweepAsync(Ct);
        var received = await platform.Services.GetRequiredService<SqliteTopicReceiver>().ReceiveAsync(CoordinationReports.Topic, "housing", 100, Ct);
        Assert.Equal(["report:2026Q1:v1:housing", "report:2026Q1:v2:housing"], received.Select(r => r.Message.MessageId).Order(StringComparer.Ordinal));

        // The timer starts the orchestration of the period just ended, once however often it fires.
        var timer = ActivatorUtilities.CreateInstance<ReportFunctions>(platform.Services);
        var client = platform.Services.GetRequiredService<DurableTaskClient>();
        var previous = ReportPeriod.Previous(ChinaTime.DateOf(TimeProvider.System.GetUtcNow()), ReportCadence.Quarter).Name;
        await timer.Scheduled(new TimerInfo(), client, Ct);
        await timer.Scheduled(new TimerInfo(), client, Ct);
        var scheduled = await WaitForReportAsync(ndrc, $"/api/reports/coordination/{previous}", Ct);
        Assert.Equal((1, "system:reports-timer"), (scheduled.GetProperty("version").GetInt32(), scheduled.GetProperty("requestedBy").GetString()));
        await timer.Scheduled(new TimerInfo(), client, Ct);
        Assert.Null(await client.GetInstanceAsync(CoordinationReportOrchestration.InstanceId(previous, 2), Ct));
    }

    /// <summary>
    /// The artefacts step dies after storing the page and before the workbook (as a process killed there would leave it):
    /// the engine runs the activity again, which stores the page again (a no-op) and the workbook, and the version is
    /// published once, with one message per department.
    /// </summary>
    [Fact]
    public async Task A_step_that_dies_half_way_is_run_again_and_the_version_is_published_once()
    {
        using var platform = new PlatformFactory()
            .With("Durable:Engine", "Local")
            .With("Durable:StorageConnectionString", azurite.ConnectionString)
            .With("Durable:TaskHub", DurableAzuriteFixture.NewTaskHub());
        var flaky = new DyingArtefactStore(new FileArtefactStore(Path.Combine(platform.DataPath, "artefacts")), dieAtPut: 3);
        platform.WithServices(services => services.RemoveAll<IArtefactStore>().AddSingleton<IArtefactStore>(flaky));
        using var ndrc = platform.ClientFor("ndrc");

        await (await ndrc.PostAsJsonAsync("/api/reports/coordination", new { period = "2026Q2" }, Ct)).ReadJsonAsync(HttpStatusCode.Accepted);
        var report = await WaitForReportAsync(ndrc, "/api/reports/coordination/2026Q2", Ct);

        Assert.Equal(1, flaky.Died);
        Assert.Equal(1, report.GetProperty("version").GetInt32());
        var workbook = await ndrc.GetByteArrayAsync("/api/reports/coordination/2026Q2.xlsx", Ct);
        Assert.Equal(report.GetProperty("artefacts").GetProperty("xlsx").GetString(), Artefacts.Sha256(workbook));
        var record = await platform.Services.GetRequiredService<RecordStore>().GetAsync<CoordinationReportState>(CoordinationReports.Key("2026Q2"), Ct);
        Assert.Equal([1], record!.State.Versions.Select(v => v.Version));
        await platform.Services.GetRequiredService<OutboxDispatcher>().SweepAsync(Ct);
        var received = await platform.Services.GetRequiredService<SqliteTopicReceiver>().ReceiveAsync(CoordinationReports.Topic, "water", 100, Ct);
        Assert.Equal(["report:2026Q2:v1:water"], received.Select(r => r.Message.MessageId));
    }

    /// <summary>Throws on the <c>dieAtPut</c>-th write, once: the JSON is the first, the page the second, the workbook the third.</summary>
    private sealed class DyingArtefactStore(IArtefactStore inner, int dieAtPut) : IArtefactStore
    {
        private int puts;

        public int Died { get; private set; }

        public Task<string> PutAsync(ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref puts) == dieAtPut)
            {
                Died++;
                throw new IOException("The process died while storing an artefact.");
            }

            return inner.PutAsync(content, cancellationToken);
        }

        public Task<byte[]?> GetAsync(string sha256, CancellationToken cancellationToken) => inner.GetAsync(sha256, cancellationToken);
    }

    private static async Task<JsonElement> WaitForReportAsync(HttpClient client, string path, CancellationToken ct)
    {
        JsonElement report = default;
        var last = HttpStatusCode.NotFound;
        await Eventually.WaitUntilAsync(
            async () =>
            {
                var response = await client.GetAsync(path, ct);
                last = response.StatusCode;
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    report = await response.ReadJsonAsync();
                    return true;
                }

                // Before the run is found the answer may be 404 (not yet started); once found, 202 with its step.
                if (response.StatusCode == HttpStatusCode.Accepted)
                {
                    var progress = await response.ReadJsonAsync(HttpStatusCode.Accepted);
                    Assert.StartsWith("report-20", progress.GetProperty("instanceId").GetString(), StringComparison.Ordinal);
                }

                return false;
            },
            Patience,
            $"{path} answered 200",
            () => last.ToString(),
            ct);
        return report;
    }
}
