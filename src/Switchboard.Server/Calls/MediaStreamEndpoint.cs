using System.Buffers;
using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using Switchboard.Server.Observability;
using Switchboard.Server.Telephony;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Transfers.Announcements;

namespace Switchboard.Server.Calls;

/// <summary>
/// <c>/stream/{domainUuid}/{callUuid}</c>: the WebSocket mod_audio_stream connects to. Checks the
/// call's token and the tenant, reads the metadata frame, then hands the socket to a
/// <see cref="CallSession"/>. Every refusal closes with a status and a reason the module reports in
/// its <c>mod_audio_stream::disconnect</c> event, and touches nothing else.
/// </summary>
public static class MediaStreamEndpoint
{
    public static async Task HandleAsync(
        HttpContext context,
        Guid domainUuid,
        string callUuid,
        StreamTokens tokens,
        VoiceAgentFactory agents,
        CallRegistry registry,
        PbxConnection pbx,
        SwitchboardMetrics metrics,
        IOptions<CallsOptions> options,
        TimeProvider time,
        ILoggerFactory loggers,
        IHostApplicationLifetime lifetime,
        IServiceScopeFactory scopes,
        Recordings.RecordingUploads recordings,
        AnnouncementSessions announcements)
    {
        ILogger logger = loggers.CreateLogger("Switchboard.Server.Calls.MediaStream");
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("mod_audio_stream WebSocket expected", context.RequestAborted);
            return;
        }

        CallsOptions settings = options.Value;
        using WebSocket socket = await context.WebSockets.AcceptWebSocketAsync();
        using IDisposable? scope = logger.BeginCallScope(domainUuid, callUuid);

        string? refusal = null;
        string reason = "";
        string? token = context.Request.Query["token"];
        switch (tokens.Check(domainUuid, callUuid, token))
        {
            case StreamTokenCheck.Missing:
                (refusal, reason) = ("token_missing", "stream token missing");
                break;
            case StreamTokenCheck.Invalid:
                (refusal, reason) = ("token_invalid", "stream token invalid");
                break;
            case StreamTokenCheck.Expired:
                (refusal, reason) = ("token_expired", "stream token expired");
                break;
        }

        Tenant? tenant = null;
        if (refusal is null)
        {
            // A scope of its own: the request's scope lives as long as the call, and a DbContext in it would too.
            await using (AsyncServiceScope lookup = scopes.CreateAsyncScope())
            {
                tenant = await lookup.ServiceProvider.GetRequiredService<TenantDirectory>().FindByIdAsync(domainUuid, context.RequestAborted);
            }

            if (tenant is null)
            {
                (refusal, reason) = ("unknown_tenant", "unknown tenant");
            }
            else if (!tenant.Enabled)
            {
                (refusal, reason) = ("tenant_disabled", "tenant disabled");
            }
        }

        if (refusal is not null)
        {
            await RefuseAsync(socket, WebSocketCloseStatus.PolicyViolation, refusal, reason, metrics, logger, domainUuid, callUuid);
            return;
        }

        (StreamMetadata? metadata, string? metadataError) = await ReadMetadataAsync(socket, settings, time, context.RequestAborted);
        if (metadata is null || metadataError is not null)
        {
            await RefuseAsync(socket, WebSocketCloseStatus.InvalidPayloadData, "bad_metadata", metadataError ?? "metadata invalid", metrics, logger, domainUuid, callUuid);
            return;
        }

        if (!string.Equals(metadata.CallUuid, callUuid, StringComparison.OrdinalIgnoreCase) || metadata.DomainUuid != domainUuid)
        {
            await RefuseAsync(socket, WebSocketCloseStatus.PolicyViolation, "bad_metadata", "metadata does not match the stream URL", metrics, logger, domainUuid, callUuid);
            return;
        }

        if (metadata.AnnouncementFor is not null)
        {
            await AnnounceAsync(socket, metadata, announcements, agents, registry, pbx, metrics, settings, time, logger, lifetime, context.RequestAborted);
            return;
        }

        CallAgentSetup setup = await agents.CreateAsync(domainUuid, metadata, context.RequestAborted);
        ICallAgent agent = setup.Agent;
        await using var recorder = new ConversationRecorder(scopes, domainUuid, setup.Secretary?.Id, metadata, metrics, time, logger);
        await using var session = new CallSession(domainUuid, metadata, socket, pbx.Client, agent, settings, metrics, time, logger)
        {
            Language = setup.Secretary?.Language ?? tenant!.Language,
            Recorder = recorder,
        };
        if (!registry.TryAdd(session))
        {
            await RefuseAsync(socket, WebSocketCloseStatus.PolicyViolation, "duplicate_call", "call already has a stream", metrics, logger, domainUuid, callUuid);
            return;
        }

        string tenantLabel = tenant!.DomainName;
        metrics.CallStarted(tenantLabel);
        Log.SessionStarted(logger, callUuid, domainUuid, metadata.CallerIdNumber ?? "");

        // The whole call is recorded: by its dialplan, else from here (alongside the greeting, not before it).
        Task<string?> recording = Recordings.CallRecording.EnsureAsync(pbx.Client, callUuid, tenantLabel, time.GetUtcNow(), logger, lifetime.ApplicationStopping);
        try
        {
            recorder.Start(setup.Mode, setup.Provider);
            foreach ((string label, string why) in setup.Skipped)
            {
                recorder.AddTurn(ConversationSpeaker.System, $"{label} skipped: {why}", recorder.StartedAt, recorder.StartedAt);
            }

            await session.RunAsync(lifetime.ApplicationStopping);
        }
        finally
        {
            string provider = agent is VoiceAgentBridge { OnLastResort: false } bridge ? bridge.Provider : "echo";
            metrics.CallEnded(tenantLabel, provider, session.EndReason ?? "ended");
            ConversationOutcome outcome = session.OutcomeHint
                ?? (agent is VoiceAgentBridge { OnLastResort: true } ? ConversationOutcome.Failed : ConversationOutcome.Completed);
            try
            {
                await recorder.FinishAsync(outcome, session.EndReason ?? "ended", session.FramesReceived / 50.0, session.Playback.TotalSentMilliseconds / 1000.0);
                await recording;
                await (context.RequestServices.GetService<Summaries.ConversationSummaries>()?.EnqueueAsync(domainUuid, recorder.ConversationId, CancellationToken.None) ?? Task.CompletedTask);

                // The PBX keeps recording the whole call: once it is over, the file goes to storage and its link to the record.
                await recordings.EnqueueAsync(domainUuid, callUuid, recorder.ConversationId, null, recorder.StartedAt, CancellationToken.None);
            }
            catch (Exception ex) when (ex is Microsoft.EntityFrameworkCore.DbUpdateException or InvalidOperationException or System.Data.Common.DbException)
            {
                Log.RecordingNotQueued(logger, callUuid, ex);
            }
            finally
            {
                // The record is complete before the call leaves the registry: whoever sees it gone can read it.
                registry.Remove(session);
            }
            Log.SessionEnded(logger, callUuid, domainUuid, session.EndReason ?? "ended", session.FramesReceived);
        }
    }

    /// <summary>The stream of an announced transfer's human leg: only for an announcement in progress to that very leg,
    /// of that call and tenant; the announcer talks with the human until the transfer stops the stream.</summary>
    private static async Task AnnounceAsync(
        WebSocket socket,
        StreamMetadata metadata,
        AnnouncementSessions announcements,
        VoiceAgentFactory agents,
        CallRegistry registry,
        PbxConnection pbx,
        SwitchboardMetrics metrics,
        CallsOptions settings,
        TimeProvider time,
        ILogger logger,
        IHostApplicationLifetime lifetime,
        CancellationToken aborted)
    {
        if (!announcements.TryGet(metadata.CallUuid, out PendingAnnouncement? pending) || pending is null
            || pending.Request.TenantId != metadata.DomainUuid
            || !string.Equals(pending.Request.CallUuid, metadata.AnnouncementFor, StringComparison.OrdinalIgnoreCase))
        {
            await RefuseAsync(socket, WebSocketCloseStatus.PolicyViolation, "unknown_announcement", "no announcement in progress on this leg", metrics, logger, metadata.DomainUuid, metadata.CallUuid);
            return;
        }

        ICallAgent agent = await agents.CreateAnnouncerAsync(metadata.DomainUuid, metadata, pending, aborted);
        await using var session = new CallSession(metadata.DomainUuid, metadata, socket, pbx.Client, agent, settings, metrics, time, logger)
        {
            Language = pending.Language,
        };
        if (!registry.TryAdd(session))
        {
            await RefuseAsync(socket, WebSocketCloseStatus.PolicyViolation, "duplicate_call", "call already has a stream", metrics, logger, metadata.DomainUuid, metadata.CallUuid);
            return;
        }

        try
        {
            await session.RunAsync(lifetime.ApplicationStopping);
        }
        finally
        {
            registry.Remove(session);
        }
    }

    private static async Task<(StreamMetadata? Metadata, string? Error)> ReadMetadataAsync(
        WebSocket socket, CallsOptions settings, TimeProvider time, CancellationToken aborted)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(settings.MaxTextBytes + 1);
        try
        {
            using var timeout = new CancellationTokenSource(settings.MetadataTimeout, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(aborted, timeout.Token);
            int length = 0;
            ValueWebSocketReceiveResult result;
            do
            {
                if (length > settings.MaxTextBytes)
                {
                    return (null, $"metadata exceeds {settings.MaxTextBytes} bytes");
                }

                result = await socket.ReceiveAsync(buffer.AsMemory(length, settings.MaxTextBytes + 1 - length), linked.Token);
                length += result.Count;
            }
            while (!result.EndOfMessage && result.MessageType != WebSocketMessageType.Close);

            if (result.MessageType == WebSocketMessageType.Close)
            {
                return (null, "closed before metadata");
            }

            if (result.MessageType != WebSocketMessageType.Text)
            {
                return (null, "metadata text frame expected first");
            }

            if (length > settings.MaxTextBytes)
            {
                return (null, $"metadata exceeds {settings.MaxTextBytes} bytes");
            }

            StreamMetadata? metadata = StreamMetadata.Parse(buffer.AsSpan(0, length));
            if (metadata is null)
            {
                return (null, "metadata is not valid JSON");
            }

            if (metadata.SampleRate is not (8000 or 16000 or 24000 or 32000 or 48000))
            {
                return (null, $"unsupported stream rate {metadata.SampleRate}");
            }

            return (metadata, null);
        }
        catch (OperationCanceledException) when (!aborted.IsCancellationRequested)
        {
            return (null, "no metadata within " + settings.MetadataTimeout.TotalSeconds + " s");
        }
        catch (WebSocketException)
        {
            return (null, "stream lost before metadata");
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static async Task RefuseAsync(
        WebSocket socket,
        WebSocketCloseStatus status,
        string metricReason,
        string reason,
        SwitchboardMetrics metrics,
        ILogger logger,
        Guid domainUuid,
        string callUuid)
    {
        metrics.MediaStreamRejected(metricReason);
        Log.StreamRefused(logger, callUuid, domainUuid, reason);
        if (socket.State is not (WebSocketState.Open or WebSocketState.CloseReceived))
        {
            return;
        }

        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
            await socket.CloseAsync(status, reason, timeout.Token);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
            socket.Abort();
        }
    }
}
