using System.Collections.Concurrent;
using Switchboard.Protocols.Realtime;
using Switchboard.Sandbox;
using Switchboard.Sandbox.Media;
using Switchboard.Server.Calls;

namespace Switchboard.Server.Admin;

/// <summary>One line of a test call's live transcript.</summary>
public sealed record TestCallLine(bool FromCaller, string Text);

/// <summary>
/// The console's test calls: each is a call placed in the built-in PBX sandbox to a secretary's extension, which
/// reaches the secretary through <c>/stream</c> exactly as a FreeSWITCH call does. The console sets how the
/// simulated extensions behave, sends what the caller types (text mode) or keys, and reads both sides' transcript.
/// A call is only reachable from the tenant that placed it. Available only in sandbox mode (<see cref="IsAvailable"/>).
/// Singleton.
/// </summary>
public sealed class TestCalls
{
    private readonly SandboxPbx? _pbx;
    private readonly CallRegistry _calls;
    private readonly ConcurrentDictionary<string, Placed> _placed = new(StringComparer.OrdinalIgnoreCase);
    private readonly TimeProvider _time;

    public TestCalls(IServiceProvider services, CallRegistry calls, TimeProvider time)
    {
        _pbx = services.GetService<SandboxPbx>();
        _calls = calls;
        _time = time;
    }

    /// <summary>How long an ended test call stays viewable.</summary>
    public static TimeSpan KeptFor { get; } = TimeSpan.FromHours(1);

    public bool IsAvailable => _pbx is not null;

    /// <summary>Rate of the PCM16 the browser's microphone sends.</summary>
    public const int MicrophoneSampleRate = 16000;

    /// <summary>Sets how a simulated phone of the tenant's domain behaves from now on.</summary>
    public void ConfigureExtension(string domainName, string number, ExtensionBehaviour behaviour, AnnouncementResponse announcement) =>
        Pbx.ConfigureExtension(domainName, number, new SimulatedExtension { Behaviour = behaviour, AnnouncementResponse = announcement });

    /// <summary>Calls <paramref name="extension"/> of the tenant's domain as a caller; returns the call's uuid.</summary>
    public async Task<string> StartAsync(Guid tenantId, string domainName, string extension, string callerNumber, string callerName, CancellationToken cancellationToken) =>
        await StartAsync(tenantId, domainName, extension, callerNumber, callerName, microphone: false, cancellationToken);

    /// <summary>
    /// As above; with <paramref name="microphone"/> the caller's voice is what the browser sends to
    /// <see cref="TestCallAudio"/> (PCM16 at <see cref="MicrophoneSampleRate"/>), silence until it connects.
    /// </summary>
    public async Task<string> StartAsync(Guid tenantId, string domainName, string extension, string callerNumber, string callerName, bool microphone, CancellationToken cancellationToken)
    {
        LiveAudioSource? voice = microphone ? new LiveAudioSource(MicrophoneSampleRate, TimeSpan.FromSeconds(1)) : null;
        SandboxChannel channel = await Pbx.PlaceInboundCallAsync(
            new SandboxCallRequest
            {
                DomainName = domainName,
                Destination = extension,
                CallerIdNumber = callerNumber,
                CallerIdName = callerName,
                Audio = voice is null ? CallerAudio.Silence : CallerAudio.Live(voice),
            },
            cancellationToken);
        DateTimeOffset now = _time.GetUtcNow();
        foreach ((string uuid, Placed old) in _placed)
        {
            if (old.Channel.HangupCause is not null && now - old.At > KeptFor)
            {
                _placed.TryRemove(uuid, out _);
            }
        }

        _placed[channel.Uuid] = new Placed(tenantId, channel, now, voice);
        return channel.Uuid;
    }

    /// <summary>The test call <paramref name="uuid"/> placed for <paramref name="tenantId"/>, or null.</summary>
    public TestCallView? Find(Guid tenantId, string uuid)
    {
        if (!_placed.TryGetValue(uuid, out Placed? placed) || placed.TenantId != tenantId)
        {
            return null;
        }

        SandboxChannel channel = placed.Channel;
        IReadOnlyList<TestCallLine> lines = [];
        if (_calls.TryGet(uuid, out CallSession? session) && session?.Agent is VoiceAgentBridge bridge)
        {
            lines = [.. bridge.Transcripts.Select(line => new TestCallLine(line.Speaker == TranscriptSpeaker.Caller, line.Text))];
            placed.LastTranscript = lines;
        }
        else
        {
            lines = placed.LastTranscript;
        }

        string state = channel.HangupCause is { } cause ? "ended" : channel.IsAnswered ? "answered" : "ringing";
        return new TestCallView(channel.Uuid, state, channel.HangupCause, lines, channel, placed.Microphone);
    }

    private sealed record Placed(Guid TenantId, SandboxChannel Channel, DateTimeOffset At, LiveAudioSource? Microphone)
    {
        /// <summary>The transcript as last read while the session lived (kept after the call ends).</summary>
        public IReadOnlyList<TestCallLine> LastTranscript { get; set; } = [];
    }

    private SandboxPbx Pbx => _pbx ?? throw new InvalidOperationException("Test calls need the built-in PBX sandbox (Telephony:Mode Sandbox).");
}

/// <summary>A test call as the console shows it.</summary>
public sealed record TestCallView(string Uuid, string State, string? HangupCause, IReadOnlyList<TestCallLine> Transcript, SandboxChannel Channel, LiveAudioSource? Microphone)
{
    public bool Ended => HangupCause is not null;

    /// <summary>Sends typed caller text down the media stream; false when the call has no open stream.</summary>
    public bool SendText(string text)
    {
        string trimmed = text.Trim();
        return trimmed.Length is > 0 and <= CallerText.MaxLength && Channel.AudioStream is { } stream && stream.SendText(trimmed);
    }

    public void SendDigits(string digits)
    {
        foreach (char digit in digits.Where(d => char.IsAsciiDigit(d) || d is '*' or '#'))
        {
            Channel.SendDtmf(digit);
        }
    }

    public Task HangupAsync() => Ended ? Task.CompletedTask : Channel.HangupAsync();
}
