using System.Diagnostics.Metrics;
using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Fakes;
using Switchboard.Server.Data;
using Switchboard.Server.Recordings;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Recordings;

public sealed class RecordingUploadTests(DatabaseFixture databases) : IClassFixture<DatabaseFixture>, IDisposable
{
    private const string Bucket = "recordings";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly string _folder = Path.Combine(Path.GetTempPath(), "sb-recordings-" + Guid.NewGuid().ToString("N"));

    private string DataRoot => Path.Combine(_folder, "data");

    /// <summary>Stands for FreeSWITCH's <c>recordings_dir</c>.</summary>
    private string PbxRecordings => Path.Combine(_folder, "pbx");

    [Theory, SqliteData, PostgresData]
    public async Task Recording_goes_to_s3_with_its_key_and_metadata_and_our_link_downloads_the_same_bytes(DatabaseProvider provider)
    {
        await using S3rverProcess s3 = await S3rverProcess.StartAsync(Bucket);
        await using StorageTestHost host = await StartAsync(provider, S3Settings(s3.Port));
        Guid tenantId = await host.CreateTenantAsync("acme.example.com");
        string callUuid = Guid.NewGuid().ToString();
        DateTimeOffset startedAt = new(2026, 3, 9, 14, 30, 0, TimeSpan.Zero);
        (Guid conversationId, Guid ticketId) = await host.CreateCallWithTicketAsync(tenantId, callUuid, startedAt);
        byte[] audio = WriteFusionPbxRecording("acme.example.com", callUuid, startedAt, seed: 1);

        await host.Services.GetRequiredService<RecordingUploads>().EnqueueAsync(tenantId, callUuid, conversationId, null, startedAt, CancellationToken.None);
        RecordingUpload upload = await UploadedAsync(host, tenantId, callUuid);

        string key = $"voice/{tenantId}/2026/03/09/{callUuid}.wav";
        Assert.Equal(key, upload.ObjectKey);
        using AmazonS3Client client = S3Client(s3.Port);
        GetObjectMetadataResponse metadata = await client.GetObjectMetadataAsync(Bucket, key);
        Assert.Equal(callUuid, metadata.Metadata["call"]);
        Assert.Equal(tenantId.ToString(), metadata.Metadata["tenant"]);
        Assert.Equal("audio/wav", metadata.Headers.ContentType);
        Assert.Equal(audio, await ReadObjectAsync(client, key));

        (string? conversationLink, string? ticketLink) = await LinksAsync(host, tenantId, conversationId, ticketId);
        Assert.NotNull(conversationLink);
        Assert.Equal(conversationLink, ticketLink);
        Assert.StartsWith($"/recordings/{tenantId}/{callUuid}?token=", conversationLink, StringComparison.Ordinal);

        using var noRedirects = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false }) { BaseAddress = host.Address };
        using HttpResponseMessage redirect = await noRedirects.GetAsync(conversationLink);
        Assert.Equal(HttpStatusCode.Redirect, redirect.StatusCode);
        Assert.Equal(s3.Port, redirect.Headers.Location!.Port);
        Assert.Equal(audio, await host.Client.GetByteArrayAsync(conversationLink));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Upload_to_s3_that_is_down_is_retried_until_it_comes_up(DatabaseProvider provider)
    {
        int port = S3rverProcess.FreePort();
        Dictionary<string, string?> settings = S3Settings(port);
        settings["Recordings:RetryDelay"] = "00:00:00.100";
        settings["Recordings:MaxRetryDelay"] = "00:00:00.400";
        await using StorageTestHost host = await StartAsync(provider, settings);
        using var metrics = new MetricReader(host.Services.GetRequiredService<IMeterFactory>(), "switchboard_recording_");
        Guid tenantId = await host.CreateTenantAsync("down.example.com");
        string callUuid = Guid.NewGuid().ToString();
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;
        string known = Path.Combine(PbxRecordings, "elsewhere", callUuid + ".wav");
        byte[] audio = WriteFile(known, seed: 2);

        await host.Services.GetRequiredService<RecordingUploads>().EnqueueAsync(tenantId, callUuid, null, known, startedAt, CancellationToken.None);
        RecordingUploads uploads = host.Services.GetRequiredService<RecordingUploads>();
        await Wait.UntilAsync(async () => await uploads.FindAsync(tenantId, callUuid, CancellationToken.None) is { Attempts: >= 2, LastError: not null }, Patience);
        Assert.Equal(RecordingUploadStatus.Pending, (await uploads.FindAsync(tenantId, callUuid, CancellationToken.None))!.Status);
        Assert.True(metrics["switchboard_recording_upload_failures_total|reason=storage"] >= 2);
        await Wait.UntilAsync(() => metrics["switchboard_recording_uploads_pending"] == 1, Patience);
        Assert.Equal(0, metrics["switchboard_recording_uploads_total"]);

        await using S3rverProcess s3 = await S3rverProcess.StartAsync(Bucket, port);
        RecordingUpload upload = await UploadedAsync(host, tenantId, callUuid);

        Assert.Null(upload.LastError);
        Assert.Equal(1, metrics["switchboard_recording_uploads_total"]);
        await Wait.UntilAsync(() => metrics["switchboard_recording_uploads_pending"] == 0, Patience);
        using AmazonS3Client client = S3Client(port);
        Assert.Equal(audio, await ReadObjectAsync(client, upload.ObjectKey));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Local_folder_is_the_default_store_and_the_link_streams_the_file_with_ranges(DatabaseProvider provider)
    {
        await using StorageTestHost host = await StartAsync(provider, FastSettings());
        Guid tenantId = await host.CreateTenantAsync("local.example.com");
        string callUuid = Guid.NewGuid().ToString();
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;
        (Guid conversationId, _) = await host.CreateCallWithTicketAsync(tenantId, callUuid, startedAt);
        // Where the built-in sandbox records: <DataRoot>/recordings/<domain>/archive/<yyyy>/<Mon>/<dd>/<uuid>.wav.
        byte[] audio = WriteFile(FusionPbxPath(Path.Combine(DataRoot, "recordings"), "local.example.com", callUuid, startedAt), seed: 3);

        await host.Services.GetRequiredService<RecordingUploads>().EnqueueAsync(tenantId, callUuid, conversationId, null, startedAt, CancellationToken.None);
        RecordingUpload upload = await UploadedAsync(host, tenantId, callUuid);

        Assert.Equal(audio, await File.ReadAllBytesAsync(Path.Combine(DataRoot, "recordings", upload.ObjectKey)));
        (string? link, _) = await LinksAsync(host, tenantId, conversationId, Guid.Empty);
        Assert.NotNull(link);
        Assert.Equal(audio, await host.Client.GetByteArrayAsync(link));
        string? fresh = await host.Services.GetRequiredService<RecordingUploads>().GetLinkAsync(tenantId, callUuid, CancellationToken.None);
        Assert.Equal(audio, await host.Client.GetByteArrayAsync(fresh));
        Assert.Null(await host.Services.GetRequiredService<RecordingUploads>().GetLinkAsync(tenantId, "no-such-call", CancellationToken.None));

        using var partial = new HttpRequestMessage(HttpMethod.Get, link);
        partial.Headers.Range = new RangeHeaderValue(100, 199);
        using HttpResponseMessage response = await host.Client.SendAsync(partial);
        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal("audio/wav", response.Content.Headers.ContentType!.MediaType);
        Assert.Equal(audio[100..200], await response.Content.ReadAsByteArrayAsync());

        string metrics = await host.Client.GetStringAsync("/metrics");
        Assert.Contains("\nswitchboard_recording_uploads_total 1\n", metrics, StringComparison.Ordinal);
        Assert.Contains("\nswitchboard_recording_uploads_pending ", metrics, StringComparison.Ordinal);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Link_is_refused_when_expired_forged_missing_or_for_another_tenant_and_the_operator_key_opens_it(DatabaseProvider provider)
    {
        await using StorageTestHost host = await StartAsync(provider, FastSettings());
        Guid tenantA = await host.CreateTenantAsync("a.example.com");
        Guid tenantB = await host.CreateTenantAsync("b.example.com");
        string callA = Guid.NewGuid().ToString(), callB = Guid.NewGuid().ToString();
        DateTimeOffset startedAt = DateTimeOffset.UtcNow;
        RecordingUploads uploads = host.Services.GetRequiredService<RecordingUploads>();
        await uploads.EnqueueAsync(tenantA, callA, null, WritePath(callA), startedAt, CancellationToken.None);
        await uploads.EnqueueAsync(tenantB, callB, null, WritePath(callB), startedAt, CancellationToken.None);
        await UploadedAsync(host, tenantA, callA);
        await UploadedAsync(host, tenantB, callB);
        RecordingLinks links = host.Services.GetRequiredService<RecordingLinks>();
        string tokenA = links.CreateToken(tenantA, callA, DateTimeOffset.UtcNow.AddMinutes(5));

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(host.Client, $"/recordings/{tenantA}/{callA}?token={tokenA}"));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(host.Client, $"/recordings/{tenantA}/{callA}"));
        string expired = links.CreateToken(tenantA, callA, DateTimeOffset.UtcNow.AddSeconds(-1));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host.Client, $"/recordings/{tenantA}/{callA}?token={expired}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host.Client, $"/recordings/{tenantA}/{callA}?token={Tamper(tokenA)}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host.Client, $"/recordings/{tenantA}/{callA}?token=not-a-token"));

        // A's token opens neither B's recording nor A's call under B's path.
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host.Client, $"/recordings/{tenantB}/{callB}?token={tokenA}"));
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(host.Client, $"/recordings/{tenantB}/{callA}?token={tokenA}"));
        // B's own token for A's call id finds nothing: B has no such recording.
        string tokenBForCallA = links.CreateToken(tenantB, callA, DateTimeOffset.UtcNow.AddMinutes(5));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(host.Client, $"/recordings/{tenantB}/{callA}?token={tokenBForCallA}"));

        using HttpClient operatorClient = host.OperatorClient();
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(operatorClient, $"/recordings/{tenantB}/{callB}"));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(operatorClient, $"/recordings/{tenantB}/{callA}"));
    }

    [Theory, SqliteData, PostgresData]
    public async Task Recording_still_being_written_is_not_uploaded_until_its_size_settles(DatabaseProvider provider)
    {
        var time = new ManualTimeProvider(DateTimeOffset.UtcNow);
        Dictionary<string, string?> settings = FastSettings();
        settings["Recordings:StableFor"] = "00:00:02";
        settings["Recordings:PollInterval"] = "00:00:00.200";
        await using StorageTestHost host = await StartAsync(provider, settings, time);
        Guid tenantId = await host.CreateTenantAsync("growing.example.com");
        string callUuid = Guid.NewGuid().ToString();
        string path = Path.Combine(PbxRecordings, callUuid + ".wav");
        byte[] first = WriteFile(path, seed: 4);
        RecordingUploads uploads = host.Services.GetRequiredService<RecordingUploads>();

        await uploads.EnqueueAsync(tenantId, callUuid, null, path, time.GetUtcNow(), CancellationToken.None);
        // The first look (woken by the enqueue, no time passes) only notes the size.
        await Wait.UntilAsync(async () => (await uploads.FindAsync(tenantId, callUuid, CancellationToken.None))!.ObservedSize == first.Length, Patience);

        byte[] more = Bytes(5, 4000);
        await using (FileStream append = new(path, FileMode.Append))
        {
            await append.WriteAsync(more);
        }

        long grown = first.Length + more.Length;
        await Wait.UntilAsync(async () => await AdvanceAndFindAsync(time, uploads, tenantId, callUuid) is { ObservedSize: var size } && size == grown, Patience);
        RecordingUpload stillPending = (await uploads.FindAsync(tenantId, callUuid, CancellationToken.None))!;
        Assert.Equal(RecordingUploadStatus.Pending, stillPending.Status);
        Assert.False(File.Exists(Path.Combine(DataRoot, "recordings", stillPending.ObjectKey)));

        await Wait.UntilAsync(async () => await AdvanceAndFindAsync(time, uploads, tenantId, callUuid) is { Status: RecordingUploadStatus.Uploaded }, Patience);
        RecordingUpload uploaded = (await uploads.FindAsync(tenantId, callUuid, CancellationToken.None))!;
        Assert.Equal(grown, uploaded.SizeBytes);
        byte[] stored = await File.ReadAllBytesAsync(Path.Combine(DataRoot, "recordings", uploaded.ObjectKey));
        Assert.Equal(first.Concat(more).ToArray(), stored);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Recording_that_never_appears_is_given_up_as_missing_and_counted(DatabaseProvider provider)
    {
        Dictionary<string, string?> settings = FastSettings();
        settings["Recordings:GiveUpFindingAfter"] = "00:00:00.500";
        await using StorageTestHost host = await StartAsync(provider, settings);
        using var metrics = new MetricReader(host.Services.GetRequiredService<IMeterFactory>(), "switchboard_recording_");
        Guid tenantId = await host.CreateTenantAsync("missing.example.com");
        string callUuid = Guid.NewGuid().ToString();
        RecordingUploads uploads = host.Services.GetRequiredService<RecordingUploads>();

        await uploads.EnqueueAsync(tenantId, callUuid, null, null, DateTimeOffset.UtcNow, CancellationToken.None);

        await Wait.UntilAsync(async () => (await uploads.FindAsync(tenantId, callUuid, CancellationToken.None))!.Status == RecordingUploadStatus.Missing, Patience);
        RecordingUpload upload = (await uploads.FindAsync(tenantId, callUuid, CancellationToken.None))!;
        Assert.True(upload.Attempts >= 1);
        Assert.NotNull(upload.LastError);
        Assert.Equal(1, metrics["switchboard_recording_upload_failures_total|reason=missing"]);
    }

    [Theory, SqliteData, PostgresData]
    public async Task Queuing_the_same_call_twice_keeps_one_upload(DatabaseProvider provider)
    {
        await using StorageTestHost host = await StartAsync(provider, FastSettings());
        Guid tenantId = await host.CreateTenantAsync("twice.example.com");
        string callUuid = Guid.NewGuid().ToString();
        RecordingUploads uploads = host.Services.GetRequiredService<RecordingUploads>();

        await uploads.EnqueueAsync(tenantId, callUuid, null, null, DateTimeOffset.UtcNow, CancellationToken.None);
        await uploads.EnqueueAsync(tenantId, callUuid, null, null, DateTimeOffset.UtcNow, CancellationToken.None);

        await using var scope = host.Scope(tenantId);
        Assert.Equal(1, await scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().RecordingUploads.CountAsync(row => row.CallUuid == callUuid));
        await Assert.ThrowsAsync<ArgumentException>(() => uploads.EnqueueAsync(tenantId, "../../etc/passwd", null, null, DateTimeOffset.UtcNow, CancellationToken.None));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
        catch (IOException)
        {
        }
    }

    private async Task<StorageTestHost> StartAsync(DatabaseProvider provider, Dictionary<string, string?> settings, TimeProvider? time = null)
    {
        string connectionString = await databases.CreateDatabaseAsync(provider);
        settings["Recordings:SearchRoots:0"] = PbxRecordings;
        settings["Recordings:SearchRoots:1"] = Path.Combine(DataRoot, "recordings");
        return await StorageTestHost.StartAsync(provider, connectionString, DataRoot, settings, time);
    }

    private static Dictionary<string, string?> FastSettings() => new()
    {
        ["Recordings:StableFor"] = "00:00:00.100",
        ["Recordings:PollInterval"] = "00:00:00.050",
        ["Recordings:RetryDelay"] = "00:00:00.100",
        ["Recordings:MaxRetryDelay"] = "00:00:01",
    };

    private static Dictionary<string, string?> S3Settings(int port)
    {
        Dictionary<string, string?> settings = FastSettings();
        settings["Recordings:Storage"] = "S3";
        settings["Recordings:S3:ServiceUrl"] = $"http://127.0.0.1:{port}/";
        settings["Recordings:S3:Bucket"] = Bucket;
        settings["Recordings:S3:AccessKey"] = S3rverProcess.AccessKey;
        settings["Recordings:S3:SecretKey"] = S3rverProcess.SecretKey;
        return settings;
    }

    private static AmazonS3Client S3Client(int port) => new(
        new BasicAWSCredentials(S3rverProcess.AccessKey, S3rverProcess.SecretKey),
        new AmazonS3Config
        {
            ServiceURL = $"http://127.0.0.1:{port}/",
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });

    private static async Task<byte[]> ReadObjectAsync(AmazonS3Client client, string key)
    {
        using GetObjectResponse response = await client.GetObjectAsync(Bucket, key);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    private static async Task<RecordingUpload> UploadedAsync(StorageTestHost host, Guid tenantId, string callUuid)
    {
        RecordingUploads uploads = host.Services.GetRequiredService<RecordingUploads>();
        RecordingUpload? upload = null;
        await Wait.UntilAsync(
            async () => (upload = await uploads.FindAsync(tenantId, callUuid, CancellationToken.None)) is { Status: RecordingUploadStatus.Uploaded },
            Patience);
        return upload!;
    }

    private static async Task<RecordingUpload?> AdvanceAndFindAsync(ManualTimeProvider time, RecordingUploads uploads, Guid tenantId, string callUuid)
    {
        time.Advance(TimeSpan.FromMilliseconds(100));
        return await uploads.FindAsync(tenantId, callUuid, CancellationToken.None);
    }

    private static async Task<(string? Conversation, string? Ticket)> LinksAsync(StorageTestHost host, Guid tenantId, Guid conversationId, Guid ticketId)
    {
        await using var scope = host.Scope(tenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        string? conversation = await db.Conversations.Where(row => row.Id == conversationId).Select(row => row.RecordingUrl).SingleAsync();
        string? ticket = await db.Tickets.Where(row => row.Id == ticketId).Select(row => row.RecordingUrl).SingleOrDefaultAsync();
        return (conversation, ticket);
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, string url)
    {
        using HttpResponseMessage response = await client.GetAsync(url);
        return response.StatusCode;
    }

    private static string Tamper(string token) =>
        token[..^5] + (token[^5] == 'A' ? 'B' : 'A') + token[^4..];

    private byte[] WriteFusionPbxRecording(string domain, string callUuid, DateTimeOffset startedAt, int seed) =>
        WriteFile(FusionPbxPath(PbxRecordings, domain, callUuid, startedAt), seed);

    private static string FusionPbxPath(string root, string domain, string callUuid, DateTimeOffset startedAt) =>
        Path.Combine(root, domain, "archive",
            startedAt.UtcDateTime.ToString("yyyy", CultureInfo.InvariantCulture),
            startedAt.UtcDateTime.ToString("MMM", CultureInfo.InvariantCulture),
            startedAt.UtcDateTime.ToString("dd", CultureInfo.InvariantCulture),
            callUuid + ".wav");

    private string WritePath(string callUuid)
    {
        string path = Path.Combine(PbxRecordings, "known", callUuid + ".wav");
        WriteFile(path, seed: callUuid.GetHashCode(StringComparison.Ordinal));
        return path;
    }

    private static byte[] WriteFile(string path, int seed)
    {
        byte[] bytes = Bytes(seed, 16_000 + 44);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return bytes;
    }

    private static byte[] Bytes(int seed, int length)
    {
        byte[] bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
