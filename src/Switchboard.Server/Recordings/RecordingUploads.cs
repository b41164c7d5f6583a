using System.Threading.Channels;
using Microsoft.EntityFrameworkCore;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Recordings;

/// <summary>
/// The recording upload queue. After a call hangs up, <see cref="EnqueueAsync"/> records that its recording must be
/// stored; <see cref="RecordingUploadWorker"/> finds the file, waits until FreeSWITCH has finished writing it,
/// stores it and links it on the conversation and its tickets. The queue is a table: a restart loses nothing.
/// </summary>
public sealed class RecordingUploads
{
    private readonly IServiceScopeFactory _scopes;
    private readonly TimeProvider _time;
    private readonly RecordingLinks _links;
    private readonly Channel<bool> _wake = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });

    public RecordingUploads(IServiceScopeFactory scopes, TimeProvider timeProvider, RecordingLinks links)
    {
        _scopes = scopes;
        _time = timeProvider;
        _links = links;
    }

    /// <summary>
    /// Queues the upload of a call's recording (once per tenant and call: a second call is a no-op). Committed when
    /// this returns. <paramref name="knownPath"/> is the file FreeSWITCH records to, when the call knows it
    /// (<c>record_session</c>'s path); otherwise the FusionPBX folders are searched.
    /// </summary>
    public async Task EnqueueAsync(
        Guid tenantId, string callUuid, Guid? conversationId, string? knownPath, DateTimeOffset callStartedAt, CancellationToken cancellationToken)
    {
        if (!IsSafeCallUuid(callUuid))
        {
            throw new ArgumentException($"\"{callUuid}\" is not a call uuid.", nameof(callUuid));
        }

        await using (AsyncServiceScope scope = _scopes.CreateAsyncScope())
        {
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            if (!await db.RecordingUploads.AnyAsync(upload => upload.CallUuid == callUuid, cancellationToken))
            {
                db.RecordingUploads.Add(new RecordingUpload
                {
                    Id = Guid.NewGuid(),
                    TenantId = tenantId,
                    CallUuid = callUuid,
                    ConversationId = conversationId,
                    CallStartedAt = callStartedAt,
                    LocalPath = string.IsNullOrWhiteSpace(knownPath) ? null : knownPath,
                    ObjectKey = RecordingFiles.ObjectKey(tenantId, callUuid, callStartedAt, ".wav"),
                    NextAttemptAt = _time.GetUtcNow(),
                });
                try
                {
                    await db.SaveChangesAsync(cancellationToken);
                }
                catch (DbUpdateException)
                {
                    // Another node may have queued the same call at the same moment: one row is all we need.
                    if (!await AlreadyQueuedAsync(tenantId, callUuid, cancellationToken))
                    {
                        throw;
                    }
                }
            }
        }

        Wake();
    }

    /// <summary>The queue entry of a call, or null.</summary>
    public async Task<RecordingUpload?> FindAsync(Guid tenantId, string callUuid, CancellationToken cancellationToken)
    {
        await using AsyncServiceScope scope = _scopes.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(tenantId);
        return await scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>().RecordingUploads.AsNoTracking()
            .FirstOrDefaultAsync(upload => upload.CallUuid == callUuid, cancellationToken);
    }

    /// <summary>
    /// A fresh time-limited link to the call's recording once it is stored, else null. For a ticket made after the
    /// upload (the worker links the tickets that exist when it stores the file).
    /// </summary>
    public async Task<string?> GetLinkAsync(Guid tenantId, string callUuid, CancellationToken cancellationToken) =>
        await FindAsync(tenantId, callUuid, cancellationToken) is { Status: RecordingUploadStatus.Uploaded }
            ? _links.CreateLink(tenantId, callUuid)
            : null;

    /// <summary>Letters, digits, '-', '_' and '.', as FreeSWITCH uuids are; never a path.</summary>
    internal static bool IsSafeCallUuid(string? callUuid) =>
        !string.IsNullOrEmpty(callUuid) && callUuid.Length <= 64 && !callUuid.Contains("..", StringComparison.Ordinal)
        && callUuid.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');

    /// <summary>Wakes the worker now rather than at its next poll.</summary>
    internal void Wake() => _wake.Writer.TryWrite(true);

    /// <summary>Waits for <see cref="Wake"/> or <paramref name="interval"/> (on the injected clock); false once stopping.</summary>
    internal async Task WaitForWorkAsync(TimeSpan interval, CancellationToken stoppingToken)
    {
        using var timeout = new CancellationTokenSource(interval, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token, stoppingToken);
        try
        {
            await _wake.Reader.WaitToReadAsync(linked.Token);
            _wake.Reader.TryRead(out _);
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The poll interval passed.
        }
    }

    private async Task<bool> AlreadyQueuedAsync(Guid tenantId, string callUuid, CancellationToken cancellationToken) =>
        await FindAsync(tenantId, callUuid, cancellationToken) is not null;
}
