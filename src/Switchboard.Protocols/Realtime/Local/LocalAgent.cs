using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime.Pipeline;

namespace Switchboard.Protocols.Realtime.Local;

/// <summary>
/// The offline voice agent, the default when no provider is configured: it greets, reads the secretary's transfer
/// destinations as a key menu ("Para Financeiro, disque 1"), understands key presses and typed requests by keyword,
/// asks the call to transfer, and takes a message when the transfer fails or the caller asks for it. Speech comes from
/// an <see cref="ITextToSpeech"/> (eSpeak NG by default); when it fails the agent plays a tone with each transcript, so
/// the call is never silent.
/// </summary>
/// <remarks>
/// Tool calls and their results (JSON):
/// <list type="bullet">
/// <item><c>transfer_call {"destination":"Financeiro","reason":"menu"}</c> → <c>{"ok":true}</c> (the call is bridged; the
/// agent says nothing more) or <c>{"ok":false,"status":"busy|no_answer|unavailable|...","say":"optional text"}</c> (the
/// agent says <c>say</c> or a line for the status, then offers the message).</item>
/// <item><c>take_message {"message":"typed text or empty","audio_seconds":4.2,"destination":"Financeiro" or null,
/// "reason":"busy|caller_choice|not_understood|no_input|..."}</c> → <c>{"ok":true,"ticket_number":12}</c> (confirmed with
/// the number) or <c>{"ok":false}</c>.</item>
/// <item><c>end_call {"reason":"message_taken"}</c> (or <c>message_failed</c>) after the goodbye; its result is not awaited.</item>
/// </list>
/// Audio is emitted as fast as it is synthesised (not paced: the playback layer paces it), in chunks of at most 200 ms.
/// The agent keeps a media clock from the caller frames it receives, so it knows when the caller has heard the prompt
/// and starts counting the message only then.
/// </remarks>
public sealed partial class LocalAgent : IVoiceAgent, IDtmfAware
{
    private static readonly CallerSpeech SpeechStartedEvent = new(true);
    private static readonly CallerSpeech SpeechStoppedEvent = new(false);
    private static readonly RecordingStopped SilenceAfterSpeech = new("silence");

    private readonly LocalAgentScript _script;
    private readonly ITextToSpeech _speech;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly LocalAgentOptions _options;
    private readonly Channel<VoiceAgentEvent> _events = Channel.CreateBounded<VoiceAgentEvent>(
        new BoundedChannelOptions(1024) { FullMode = BoundedChannelFullMode.Wait });
    private readonly Channel<LocalInput> _inputs = Channel.CreateUnbounded<LocalInput>(new UnboundedChannelOptions { SingleReader = true });
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _lock = new();
    private readonly Lock _audioLock = new();
    private LocalPhrases _phrases = LocalPhrases.PortugueseBrazil;
    private MenuMatcher _matcher = new([]);
    private EnergyVad? _vad;
    private Task _flow = Task.CompletedTask;
    private int _sampleRate;
    private int _state; // 0 new, 1 connected, 2 disposed

    // Media clock and message recording: written by the audio path and the flow, under _audioLock.
    private long _callerClock; // caller samples received so far
    private long _playbackEnd; // caller clock at which the audio sent so far has been heard
    private bool _recording;
    private long _recordedSamples;
    private bool _recordHeardSpeech;
    private long _recordSilentSamples;
    private long _messageSilenceSamples;

    public LocalAgent(LocalAgentScript script, ITextToSpeech speech, TimeProvider time, ILogger<LocalAgent>? logger = null, LocalAgentOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(script);
        ArgumentNullException.ThrowIfNull(speech);
        ArgumentNullException.ThrowIfNull(time);
        _script = script;
        _speech = speech;
        _time = time;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _options = options ?? new LocalAgentOptions();
    }

    public string Provider => "local";

    public ChannelReader<VoiceAgentEvent> Events => _events.Reader;

    public Task ConnectAsync(VoiceAgentSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        cancellationToken.ThrowIfCancellationRequested();
        if (_speech.OutputSampleRate != settings.CallSampleRate)
        {
            throw new VoiceAgentException($"The speech synthesiser speaks at {_speech.OutputSampleRate} Hz but the call runs at {settings.CallSampleRate} Hz.");
        }

        LocalPhrases phrases = _script.Phrases ?? LocalPhrases.For(_script.Language)
            ?? throw new VoiceAgentException($"The local agent has no phrases for language '{_script.Language}' (pt-BR, en-US and es are built in).");
        Validate(_script, _options);
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException("The local agent is already connected or disposed.");
        }

        _phrases = phrases;
        _sampleRate = settings.CallSampleRate;
        _matcher = new MenuMatcher(_script.Menu);
        _vad = new EnergyVad(
            _options.VadThresholdDbfs, (int)_options.VadMinSpeech.TotalMilliseconds, (int)_options.VadHangover.TotalMilliseconds);
        _messageSilenceSamples = (long)(_options.MessageSilence.TotalSeconds * _sampleRate);
        _beep = Tone(BeepFrequency, BeepDuration, BeepAmplitude);
        _fallbackTone = Tone(FallbackFrequency, FallbackDuration, FallbackAmplitude);
        _flow = Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>
    /// One caller frame: the VAD reports <see cref="CallerSpeech"/> (after <see cref="LocalAgentOptions.VadMinSpeech"/>) and,
    /// while a message is recorded, silence after speech ends it. Allocates nothing.
    /// </summary>
    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        EnergyVad vad = _vad ?? throw new InvalidOperationException("Not connected.");
        ReadOnlySpan<short> samples = Pcm16.AsSamples(frame.Span);
        VadEvent change = vad.Process(samples);
        if (change == VadEvent.SpeechStarted)
        {
            _events.Writer.TryWrite(SpeechStartedEvent);
        }
        else if (change == VadEvent.SpeechEnded)
        {
            _events.Writer.TryWrite(SpeechStoppedEvent);
        }

        bool loud = vad.LastLevelDbfs >= vad.ThresholdDbfs;
        bool ended = false;
        lock (_audioLock)
        {
            _callerClock += samples.Length;
            if (_recording && _callerClock > _playbackEnd)
            {
                _recordedSamples += samples.Length;
                _recordHeardSpeech |= vad.IsSpeaking;
                if (loud)
                {
                    _recordSilentSamples = 0;
                }
                else if (_recordHeardSpeech)
                {
                    _recordSilentSamples += samples.Length;
                    if (_recordSilentSamples >= _messageSilenceSamples)
                    {
                        _recording = false;
                        ended = true;
                    }
                }
            }
        }

        if (ended)
        {
            _inputs.Writer.TryWrite(SilenceAfterSpeech);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Typed text: a request understood by keywords in the menu, the message itself while one is recorded.</summary>
    public ValueTask SendTextAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        return Post(new TextInput(text.Trim()));
    }

    public ValueTask SendDtmfAsync(char digit, CancellationToken cancellationToken) => Post(new DigitInput(digit));

    /// <summary>Greets and reads the menu (again, when the menu is open). The instructions are not used: the script is fixed.</summary>
    public ValueTask RequestResponseAsync(string? instructions, CancellationToken cancellationToken) => Post(new StartInput());

    public ValueTask SendToolResultAsync(string callId, string resultJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callId);
        ArgumentNullException.ThrowIfNull(resultJson);
        return Post(new ToolResultInput(callId, resultJson));
    }

    /// <summary>Stops the phrase group being spoken: no more of its audio is emitted once this returns.</summary>
    public async ValueTask InterruptAsync(TimeSpan heard, CancellationToken cancellationToken)
    {
        lock (_audioLock)
        {
            _playbackEnd = _callerClock; // the playback layer stopped: the caller has heard all they will
        }

        CancellationTokenSource? cancel;
        Task? done;
        lock (_lock)
        {
            cancel = _speechCancel;
            done = _speechDone?.Task;
        }

        if (cancel is null || done is null)
        {
            return;
        }

        try
        {
            await cancel.CancelAsync();
        }
        catch (ObjectDisposedException)
        {
            // The group finished meanwhile.
        }

        await done.WaitAsync(cancellationToken);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _state, 2) == 2)
        {
            return;
        }

        await _stop.CancelAsync();
        try
        {
            await _flow;
        }
        catch (OperationCanceledException)
        {
        }

        _events.Writer.TryComplete();
        _stop.Dispose();
    }

    private ValueTask Post(LocalInput input)
    {
        int state = Volatile.Read(ref _state);
        ObjectDisposedException.ThrowIf(state == 2, this);
        if (state == 0)
        {
            throw new InvalidOperationException("Not connected.");
        }

        _inputs.Writer.TryWrite(input);
        return ValueTask.CompletedTask;
    }

    private static void Validate(LocalAgentScript script, LocalAgentOptions options)
    {
        var digits = new HashSet<char>();
        if (!IsMenuKey(script.MessageDigit))
        {
            throw new VoiceAgentException($"The message key '{script.MessageDigit}' is not 0-9 or *.");
        }

        foreach (LocalMenuEntry entry in script.Menu)
        {
            if (string.IsNullOrWhiteSpace(entry.Name))
            {
                throw new VoiceAgentException("A menu destination has no name.");
            }

            if (!IsMenuKey(entry.Digit) || entry.Digit == script.MessageDigit || !digits.Add(entry.Digit))
            {
                throw new VoiceAgentException(
                    $"Menu key '{entry.Digit}' for {entry.Name} is not 0-9 or *, is used twice, or is the message key.");
            }
        }

        if (options.IdleTimeout <= TimeSpan.Zero || options.MessageSilence <= TimeSpan.Zero || options.MessageMaxDuration <= TimeSpan.Zero ||
            options.MaxMenuAttempts < 1 || options.VadMinSpeech < TimeSpan.Zero || options.VadHangover < TimeSpan.Zero ||
            options.VadThresholdDbfs is > 0 or < -120)
        {
            throw new VoiceAgentException("The local agent options are out of range.");
        }

        static bool IsMenuKey(char c) => c is (>= '0' and <= '9') or '*';
    }

    private abstract record LocalInput;

    private sealed record StartInput : LocalInput;

    private sealed record DigitInput(char Digit) : LocalInput;

    private sealed record TextInput(string Text) : LocalInput;

    private sealed record ToolResultInput(string CallId, string Json) : LocalInput;

    private sealed record RecordingStopped(string Reason) : LocalInput;
}
