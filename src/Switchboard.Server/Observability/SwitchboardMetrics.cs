using System.Diagnostics.Metrics;

namespace Switchboard.Server.Observability;

/// <summary>
/// The product's instruments (meter <see cref="MeterName"/>), with typed methods so callers never build
/// tags by hand. Per-frame methods (<see cref="AudioChunk"/>, <see cref="AudioFrameDropped"/>) use
/// pre-built tag arrays or stack-only tag overloads and allocate nothing.
/// </summary>
public sealed class SwitchboardMetrics
{
    public const string MeterName = "Switchboard";

    /// <summary>Bucket upper bounds, in seconds, for the time from end of caller speech to first AI audio.</summary>
    public static IReadOnlyList<double> ResponseLatencyBuckets { get; } =
        [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 10];

    private static readonly KeyValuePair<string, object?>[] AudioInTags = [new("direction", "in")];
    private static readonly KeyValuePair<string, object?>[] AudioOutTags = [new("direction", "out")];
    private static readonly KeyValuePair<string, object?> DirectionIn = new("direction", "in");
    private static readonly KeyValuePair<string, object?> DirectionOut = new("direction", "out");

    private readonly Counter<long> _calls;
    private readonly UpDownCounter<long> _activeSessions;
    private readonly Counter<long> _audioChunks;
    private readonly Histogram<double> _responseLatency;
    private readonly Counter<long> _eslReconnects;
    private readonly Counter<long> _framesDropped;
    private readonly Counter<long> _mediaStreamsRejected;
    private readonly Counter<long> _transfers;
    private readonly Counter<long> _ticketsCreated;
    private readonly Counter<long> _providerErrors;
    private int _eslConnected;

    public SwitchboardMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);

        _calls = meter.CreateCounter<long>(
            "voice_ai_realtime_calls_total",
            description: "Realtime voice-AI calls that ended, by tenant, provider and outcome.");
        _activeSessions = meter.CreateUpDownCounter<long>(
            "voice_ai_realtime_active_sessions",
            description: "Realtime voice-AI sessions in progress, by tenant.");
        _audioChunks = meter.CreateCounter<long>(
            "voice_ai_realtime_audio_chunks_total",
            description: "Audio chunks exchanged with callers; direction is in (from caller) or out (to caller).");
        _responseLatency = meter.CreateHistogram(
            "voice_ai_realtime_response_latency_seconds",
            unit: "s",
            description: "Time from the end of the caller's turn to the first audio of the AI's answer, by provider.",
            tags: null,
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = ResponseLatencyBuckets });
        _eslReconnects = meter.CreateCounter<long>(
            "switchboard_esl_reconnects_total",
            description: "Reconnections to the FreeSWITCH Event Socket.");
        meter.CreateObservableGauge(
            "switchboard_esl_connected",
            () => Volatile.Read(ref _eslConnected),
            description: "1 while the FreeSWITCH Event Socket is connected and authenticated, else 0.");
        _framesDropped = meter.CreateCounter<long>(
            "switchboard_audio_frames_dropped_total",
            description: "Audio frames dropped instead of adding latency, by direction and reason.");
        _mediaStreamsRejected = meter.CreateCounter<long>(
            "switchboard_media_stream_rejected_total",
            description: "mod_audio_stream connections refused, by reason.");
        _transfers = meter.CreateCounter<long>(
            "switchboard_transfers_total",
            description: "Call transfers that finished, by result.");
        _ticketsCreated = meter.CreateCounter<long>(
            "switchboard_tickets_created_total",
            description: "Tickets and messages committed.");
        _providerErrors = meter.CreateCounter<long>(
            "switchboard_provider_errors_total",
            description: "Voice-agent provider failures, by provider and kind.");
    }

    /// <summary>A realtime session started for <paramref name="tenant"/>.</summary>
    public void CallStarted(string tenant) =>
        _activeSessions.Add(1, new KeyValuePair<string, object?>("tenant", tenant));

    /// <summary>A session started with <see cref="CallStarted"/> ended: counts the call and releases the session.</summary>
    public void CallEnded(string tenant, string provider, string outcome)
    {
        var tenantTag = new KeyValuePair<string, object?>("tenant", tenant);
        _activeSessions.Add(-1, tenantTag);
        _calls.Add(1, tenantTag, new("provider", provider), new("outcome", outcome));
    }

    /// <summary>One audio chunk crossed the media stream. Per-frame: allocates nothing.</summary>
    public void AudioChunk(AudioDirection direction) =>
        _audioChunks.Add(1, direction == AudioDirection.In ? AudioInTags : AudioOutTags);

    /// <summary>One audio frame was dropped. Per-frame: allocates nothing (pass a constant reason).</summary>
    public void AudioFrameDropped(AudioDirection direction, string reason) =>
        _framesDropped.Add(1, direction == AudioDirection.In ? DirectionIn : DirectionOut, new("reason", reason));

    /// <summary>Time from the end of the caller's turn to the first audio of the answer.</summary>
    public void ResponseLatency(string provider, TimeSpan latency) =>
        _responseLatency.Record(latency.TotalSeconds, new KeyValuePair<string, object?>("provider", provider));

    /// <summary>The Event Socket connection was re-established after a loss.</summary>
    public void EslReconnected() => _eslReconnects.Add(1);

    /// <summary>Sets <c>switchboard_esl_connected</c> to 1 or 0.</summary>
    public void SetEslConnected(bool connected) => Volatile.Write(ref _eslConnected, connected ? 1 : 0);

    /// <summary>A mod_audio_stream connection was refused (bad token, unknown tenant, malformed metadata...).</summary>
    public void MediaStreamRejected(string reason) =>
        _mediaStreamsRejected.Add(1, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>A transfer finished with <paramref name="result"/> (bridged, busy, no_answer, refused, failed...).</summary>
    public void TransferCompleted(string result) =>
        _transfers.Add(1, new KeyValuePair<string, object?>("result", result));

    /// <summary>A ticket (or message) was committed.</summary>
    public void TicketCreated() => _ticketsCreated.Add(1);

    /// <summary>A voice-agent provider failed (connect_timeout, dropped, budget, protocol...).</summary>
    public void ProviderError(string provider, string kind) =>
        _providerErrors.Add(1, new KeyValuePair<string, object?>("provider", provider), new("kind", kind));
}
