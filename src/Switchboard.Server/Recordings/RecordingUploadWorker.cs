using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Recordings;

/// <summary>
/// Works the <see cref="RecordingUploads"/> queue: finds each recording, waits until its size stays the same for
/// <see cref="RecordingsOptions.StableFor"/> (FreeSWITCH finishes the WAV header at hangup), stores it, and links it
/// on the conversation and any ticket of the call. Failed tries back off exponentially with jitter, without limit.
/// Several nodes may run it: a row is claimed by moving its next attempt time with a conditional update.
/// </summary>
public sealed class RecordingUploadWorker : BackgroundService
{
    /// <summary>How long a claimed row stays away from other nodes while this one works on it.</summary>
    private static readonly TimeSpan ClaimLease = TimeSpan.FromMinutes(5);

    private const int BatchSize = 20;

    private readonly RecordingUploads _uploads;
    private readonly IServiceScopeFactory _scopes;
    private readonly IRecordingStore _store;
    private readonly RecordingLinks _links;
    private readonly RecordingMetrics _metrics;
    private readonly RecordingsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<RecordingUploadWorker> _logger;

    public RecordingUploadWorker(
        RecordingUploads uploads,
        IServiceScopeFactory scopes,
        IRecordingStore store,
        RecordingLinks links,
        RecordingMetrics metrics,
        IOptions<RecordingsOptions> options,
        TimeProvider timeProvider,
        ILogger<RecordingUploadWorker> logger)
    {
        _uploads = uploads;
        _scopes = scopes;
        _store = store;
        _links = links;
        _metrics = metrics;
        _options = options.Value;
        _time = timeProvider;
        _logger = logger;
    }

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => WorkQueue.RunAsync(
        RunPassAsync, BatchSize, ct => _uploads.WaitForWorkAsync(_options.PollInterval, ct), exception => Log.WorkerPassFailed(_logger, exception), stoppingToken);

    /// <summary>Works every due row once; returns how many were due.</summary>
    internal async Task<int> RunPassAsync(CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        List<DueUpload> due;
        await using (AsyncServiceScope scope = _scopes.CreateAsyncScope())
        {
            // The queue spans tenants; each row is then worked in a scope bound to its own tenant.
            IQueryable<RecordingUpload> all = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().RecordingUploads
                .IgnoreQueryFilters([SwitchboardDbContext.TenantQueryFilter]).AsNoTracking();
            due = await all
                .Where(upload => upload.Status == RecordingUploadStatus.Pending && upload.NextAttemptAt <= now)
                .OrderBy(upload => upload.NextAttemptAt)
                .Take(BatchSize)
                .Select(upload => new DueUpload(upload.Id, upload.TenantId))
                .ToListAsync(cancellationToken);
            _metrics.SetPending(await all.CountAsync(upload => upload.Status == RecordingUploadStatus.Pending, cancellationToken));
        }

        foreach (DueUpload upload in due)
        {
            await WorkAsync(upload, cancellationToken);
        }

        return due.Count;
    }

    private async Task WorkAsync(DueUpload due, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(due.TenantId);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        DateTimeOffset now = _time.GetUtcNow();
        await WorkQueue.ClaimAndRunAsync(
            db.RecordingUploads, due.Id, row => row.Status == RecordingUploadStatus.Pending, now, ClaimLease,
            upload => WorkClaimedAsync(db, upload, now, cancellationToken), cancellationToken);
    }

    private async Task WorkClaimedAsync(SwitchboardDbContext db, RecordingUpload upload, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string? path = await FindFileAsync(db, upload, cancellationToken);
        long size = path is null ? 0 : SizeOf(path);
        if (path is null || size < 0)
        {
            NotFound(upload, now);
        }
        else
        {
            if (size == 0 || upload.ObservedSize != size || upload.LocalPath != path)
            {
                // First look, or still growing: look again once it had time to change.
                Log.RecordingGrowing(_logger, upload.CallUuid, size);
                upload.LocalPath = path;
                upload.ObservedSize = size;
                upload.NextAttemptAt = now + _options.StableFor;
            }
            else if (await StoreAsync(upload, path, size, now, cancellationToken))
            {
                // Links and status commit together: whoever sees "uploaded" also sees the links.
                await using (var transaction = await db.Database.BeginTransactionAsync(cancellationToken))
                {
                    await AttachLinkAsync(db, upload, now, cancellationToken);
                    await db.SaveChangesAsync(cancellationToken);
                    await transaction.CommitAsync(cancellationToken);
                }

                _metrics.Uploaded();
                Log.RecordingStored(_logger, upload.CallUuid, upload.TenantId, upload.ObjectKey, size);
                return;
            }
        }

        await db.SaveChangesAsync(cancellationToken);
    }

    private async Task<bool> StoreAsync(RecordingUpload upload, string path, long size, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string extension = Path.GetExtension(path).Equals(".mp3", StringComparison.OrdinalIgnoreCase) ? ".mp3" : ".wav";
        upload.ObjectKey = RecordingFiles.ObjectKey(upload.TenantId, upload.CallUuid, upload.CallStartedAt, extension);
        try
        {
            await _store.StoreAsync(
                path, new RecordingObject(upload.ObjectKey, RecordingFiles.ContentTypeOf(extension), upload.TenantId, upload.CallUuid), cancellationToken);
        }
        catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
        {
            upload.Attempts++;
            TimeSpan delay = RetryBackoff.Next(upload.Attempts, _options.RetryDelay, _options.MaxRetryDelay);
            upload.NextAttemptAt = now + delay;
            upload.LastError = Truncate($"{exception.GetType().Name}: {exception.Message}");
            _metrics.Failed("storage");
            Log.StoreFailed(_logger, upload.CallUuid, upload.TenantId, upload.Attempts, delay, exception);
            return false;
        }

        upload.Status = RecordingUploadStatus.Uploaded;
        upload.UploadedAt = now;
        upload.SizeBytes = size;
        upload.LastError = null;
        return true;
    }

    private void NotFound(RecordingUpload upload, DateTimeOffset now)
    {
        TimeSpan elapsed = now - upload.CreatedAt;
        if (elapsed >= _options.GiveUpFindingAfter)
        {
            upload.Status = RecordingUploadStatus.Missing;
            upload.LastError = "no recording file was found";
            _metrics.Failed("missing");
            Log.RecordingMissing(_logger, upload.CallUuid, upload.TenantId, elapsed);
            return;
        }

        upload.Attempts++;
        upload.LastError = "recording file not found yet";
        upload.NextAttemptAt = now + RetryBackoff.Next(upload.Attempts, _options.RetryDelay, _options.MaxRetryDelay);
    }

    private async Task<string?> FindFileAsync(SwitchboardDbContext db, RecordingUpload upload, CancellationToken cancellationToken)
    {
        if (upload.LocalPath is { } known && File.Exists(known))
        {
            return known;
        }

        Tenant? tenant = await db.Tenants.AsNoTracking().FirstOrDefaultAsync(row => row.Id == upload.TenantId, cancellationToken);
        TimeZoneInfo? zone = tenant is not null && TimeZoneInfo.TryFindSystemTimeZoneById(tenant.TimeZone, out TimeZoneInfo? found) ? found : null;
        IReadOnlyCollection<DateOnly> days = RecordingFiles.DaysAround(upload.CallStartedAt, zone, _time.LocalTimeZone);
        return RecordingFiles.Candidates(_options.SearchRoots, tenant?.DomainName, upload.TenantId, upload.CallUuid, days)
            .FirstOrDefault(File.Exists);
    }

    private async Task AttachLinkAsync(SwitchboardDbContext db, RecordingUpload upload, DateTimeOffset now, CancellationToken cancellationToken)
    {
        string link = _links.CreateLink(upload.TenantId, upload.CallUuid);
        List<Guid> conversations = await db.Conversations
            .Where(conversation => conversation.CallUuid == upload.CallUuid || conversation.Id == upload.ConversationId)
            .Select(conversation => conversation.Id)
            .ToListAsync(cancellationToken);
        if (conversations.Count == 0)
        {
            return;
        }

        await db.Conversations.Where(conversation => conversations.Contains(conversation.Id))
            .ExecuteUpdateAsync(set => set.SetProperty(conversation => conversation.RecordingUrl, link), cancellationToken);
        await db.Tickets.Where(ticket => ticket.ConversationId != null && conversations.Contains(ticket.ConversationId.Value))
            .ExecuteUpdateAsync(set => set.SetProperty(ticket => ticket.RecordingUrl, link).SetProperty(ticket => ticket.UpdatedAt, now), cancellationToken);
    }

    /// <summary>The file's size, or -1 when it vanished or cannot be read since it was found.</summary>
    private static long SizeOf(string path)
    {
        try
        {
            return new FileInfo(path).Length;
        }
        catch (IOException)
        {
            return -1;
        }
        catch (UnauthorizedAccessException)
        {
            return -1;
        }
    }

    private static string Truncate(string text) => text.Length <= 2000 ? text : text[..2000];

    private sealed record DueUpload(Guid Id, Guid TenantId);
}
