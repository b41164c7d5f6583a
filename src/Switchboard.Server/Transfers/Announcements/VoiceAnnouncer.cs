using Microsoft.Extensions.Options;
using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Server.Calls;
using Switchboard.Server.Telephony;
using Switchboard.Server.Transfers.Execution;

namespace Switchboard.Server.Transfers.Announcements;

/// <summary>
/// The announcer of seed 2: a media stream is started on the human's leg (<c>uuid_audio_stream</c>, which carries the
/// human's own voice in the conference, verified Q5) and the secretary talks with the human there — who is calling and
/// why, then <c>accept_transfer</c> or <c>reject_transfer</c>; keys 1/2 work as a backup from the start, and without an
/// AI provider the announcement is spoken by eSpeak NG. When the stream cannot start or never reaches us, the human
/// hears <see cref="TransferExecutionOptions.AnnouncementSound"/> and decides by key, as with <see cref="DtmfAnnouncer"/>.
/// The stream is stopped before the decision is returned, so the human never hears the secretary over the caller.
/// </summary>
public sealed partial class VoiceAnnouncer(
    PbxConnection pbx,
    StreamTokens tokens,
    CallController controller,
    CallRegistry calls,
    AnnouncementSessions sessions,
    IOptions<TransferExecutionOptions> options,
    IOptions<CallsOptions> callOptions,
    TimeProvider time,
    ILogger<VoiceAnnouncer> logger) : IAnnouncer
{
    /// <summary>How long the human's stream may take to reach us before the announcement falls back to a sound and keys.</summary>
    public static readonly TimeSpan AttachTimeout = TimeSpan.FromSeconds(3);

    public async Task<AnnouncementDecision> AnnounceAsync(AnnouncementRequest request, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(request);
        string language = Secretaries.Prompts.CallerPhrases.DefaultLanguage;
        Guid? secretaryId = null;
        if (calls.TryGet(request.CallUuid, out CallSession? caller) && caller is not null)
        {
            language = caller.Language;
            secretaryId = caller.Recorder?.SecretaryId;
        }

        EventSocketClient esl = pbx.Client;
        PendingAnnouncement pending = sessions.Open(request, language, secretaryId);
        using EventSubscription events = esl.Subscribe(request.HumanLegUuid);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(ct);
        var streamFailed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Task listening = ListenAsync(events, pending, streamFailed, stop.Token);
        bool streaming = false;
        try
        {
            streaming = await StartStreamAsync(request, ct);
            if (streaming)
            {
                await Task.WhenAny(pending.Attached, pending.Decision, streamFailed.Task, Task.Delay(AttachTimeout, time, stop.Token));
                ct.ThrowIfCancellationRequested();
                if (!pending.Attached.IsCompleted && !pending.Decision.IsCompleted)
                {
                    Log.StreamNeverAttached(logger, request.HumanLegUuid, request.CallUuid);
                    await StopStreamQuietlyAsync(request.HumanLegUuid);
                    streaming = false;
                }
            }

            if (!streaming && !pending.Decision.IsCompleted)
            {
                // No voice on the human's leg: the announcement sound, and the keys (already listened to) decide.
                await esl.BroadcastAsync(request.HumanLegUuid, options.Value.AnnouncementSound, BroadcastLeg.ALeg, ct);
            }

            try
            {
                return await pending.Decision.WaitAsync(request.Timeout, time, ct);
            }
            catch (TimeoutException)
            {
                return AnnouncementDecision.TimedOut;
            }
        }
        finally
        {
            await stop.CancelAsync();
            await listening;
            sessions.Close(pending);
            if (streaming)
            {
                await StopStreamQuietlyAsync(request.HumanLegUuid);
            }
        }
    }

    /// <summary>The human's keys (accept/refuse) and hangup, from the start: a key pressed before any voice reached the
    /// human still counts. Also notes the stream failing to connect.</summary>
    private async Task ListenAsync(EventSubscription events, PendingAnnouncement pending, TaskCompletionSource streamFailed, CancellationToken ct)
    {
        TransferExecutionOptions keys = options.Value;
        try
        {
            await foreach (EventSocketEvent e in events.Reader.ReadAllAsync(ct))
            {
                if (e.Name == "DTMF" && e["DTMF-Digit"] is { Length: 1 } digit)
                {
                    if (digit[0] == keys.AcceptDigit)
                    {
                        pending.Decide(AnnouncementDecision.Accepted);
                    }
                    else if (digit[0] == keys.RefuseDigit)
                    {
                        pending.Decide(AnnouncementDecision.Refused($"pressed {digit}"));
                    }
                }
                else if (e.Name is "CHANNEL_HANGUP" or "CHANNEL_HANGUP_COMPLETE")
                {
                    pending.Decide(AnnouncementDecision.HumanHungUp);
                }
                else if (e.Name == "CUSTOM" && e.Subclass is "mod_audio_stream::error" or "mod_audio_stream::disconnect")
                {
                    // The module could not reach us (or lost us): no voice for the human, fall back at once.
                    streamFailed.TrySetResult();
                }
            }
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
        }
    }

    private async Task<bool> StartStreamAsync(AnnouncementRequest request, CancellationToken ct)
    {
        CallsOptions options = callOptions.Value;
        var metadata = new StreamMetadata
        {
            CallUuid = request.HumanLegUuid,
            DomainUuid = request.TenantId,
            CallerIdNumber = request.CallerNumber,
            CallerIdName = request.CallerName,
            AnnouncementFor = request.CallUuid,
            SampleRate = options.StreamSampleRate,
        };
        string token = tokens.Issue(request.TenantId, request.HumanLegUuid, options.TokenLifetime);
        var url = new Uri($"{controller.StreamBase()}/stream/{request.TenantId:D}/{request.HumanLegUuid}?token={token}");
        EventSocketClient esl = pbx.Client;
        try
        {
            await esl.ApiAsync($"uuid_setvar_multi {request.HumanLegUuid} STREAM_MESSAGE_DEFLATE=true;STREAM_HEART_BEAT=15;STREAM_BUFFER_SIZE=20", ct);
            await esl.AudioStreamStartAsync(request.HumanLegUuid, url, AudioStreamMix.Mono, options.StreamSampleRate, metadata.ToCommandArgument(), ct);
            return true;
        }
        catch (Exception ex) when (ex is EventSocketCommandException or InvalidOperationException)
        {
            Log.StreamNotStarted(logger, request.HumanLegUuid, request.CallUuid, ex.Message);
            return false;
        }
    }

    private async Task StopStreamQuietlyAsync(string humanLeg)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5), time);
            await pbx.Client.AudioStreamStopAsync(humanLeg, null, timeout.Token);
        }
        catch (Exception ex) when (ex is EventSocketException or EventSocketCommandException or EventSocketDisconnectedException or TimeoutException or OperationCanceledException)
        {
            // The human hung up (no stream left to stop) or the connection dropped: the channel's end stops it anyway.
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2231, LogLevel.Warning, "Could not start the announcement stream on leg {LegId} of call {CallId}: {Reply}; announcing with keys")]
        public static partial void StreamNotStarted(ILogger logger, string legId, string callId, string reply);

        [LoggerMessage(2232, LogLevel.Warning, "The announcement stream of leg {LegId} (call {CallId}) never connected; announcing with keys")]
        public static partial void StreamNeverAttached(ILogger logger, string legId, string callId);
    }
}
