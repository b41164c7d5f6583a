using System.Buffers;
using System.Threading.Channels;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime;

namespace Switchboard.Server.Calls;

/// <summary>
/// Connects a call to a voice-AI provider (<see cref="IVoiceAgent"/>): caller frames go to the provider
/// through a small drop-oldest queue (losing old audio beats adding latency), the provider's audio goes
/// to playback, and when the provider hears the caller start speaking over the agent, playback is cut at
/// FreeSWITCH and the provider is told how much of its answer was actually heard. When the provider
/// cannot be reached or fails for good, the call goes on with the fallback agent: never silence.
/// </summary>
public sealed partial class VoiceAgentBridge : ICallAgent
{
    private readonly IVoiceAgent _agent;
    private readonly VoiceAgentSettings _settings;
    private readonly string? _greeting;
    private readonly TimeSpan _connectTimeout;
    private readonly ILogger _logger;
    private readonly ICallAgent _fallback;
    private readonly Channel<AudioFrame> _toProvider;
    private volatile bool _fellBack;
    private long _framesDropped;

    private static readonly TimeSpan FlushAfterQuiet = TimeSpan.FromMilliseconds(150);
    private readonly TimeProvider _time;

    public VoiceAgentBridge(IVoiceAgent agent, VoiceAgentSettings settings, string? greeting, TimeSpan connectTimeout, ICallAgent fallback, TimeProvider time, ILogger logger)
    {
        _time = time;
        _fallback = fallback;
        _agent = agent;
        _settings = settings;
        _greeting = greeting;
        _connectTimeout = connectTimeout;
        _logger = logger;
        _toProvider = Channel.CreateBounded<AudioFrame>(
            new BoundedChannelOptions(25) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            dropped =>
            {
                dropped.Dispose();
                Interlocked.Increment(ref _framesDropped);
            });
    }

    /// <summary>The provider this bridge talks to.</summary>
    public string Provider => _agent.Provider;

    /// <summary>Why the call went over to the fallback agent (null while the provider serves it).</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>Caller frames dropped because the provider fell behind by more than half a second.</summary>
    public long FramesDropped => Interlocked.Read(ref _framesDropped);

    /// <summary>Times the caller spoke over the agent and its audio was cut.</summary>
    public int BargeIns { get; private set; }

    /// <summary>Transcript lines of both sides, in order (final ones only).</summary>
    public IReadOnlyList<Transcript> Transcripts => _transcripts;

    private readonly List<Transcript> _transcripts = [];

    public void OnCallerAudio(ReadOnlySpan<byte> frame)
    {
        if (_fellBack)
        {
            _fallback.OnCallerAudio(frame);
            return;
        }

        AudioFrame copy = AudioFrame.Rent(frame.Length, _settings.CallSampleRate);
        frame.CopyTo(copy.Span);
        if (!_toProvider.Writer.TryWrite(copy))
        {
            copy.Dispose();
        }
    }

    public void OnDtmf(char digit)
    {
    }

    public async Task RunAsync(CallSession session, CancellationToken cancellationToken)
    {
        try
        {
            await ConverseAsync(session, cancellationToken);
        }
        catch (Exception ex) when (ex is VoiceAgentException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            FallbackReason = ex is OperationCanceledException ? "provider_connect_timeout" : ex.Message;
            Log.FellBack(_logger, session.CallUuid, _agent.Provider, FallbackReason);
            await session.Playback.StopAsync(cancellationToken);
            _fellBack = true;
            await _fallback.RunAsync(session, cancellationToken);
        }
    }

    private async Task ConverseAsync(CallSession session, CancellationToken cancellationToken)
    {
        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimeout.CancelAfter(_connectTimeout);
            await _agent.ConnectAsync(_settings, connectTimeout.Token);
        }

        await _agent.RequestResponseAsync(_greeting, cancellationToken);
        Task pump = PumpCallerAudioAsync(cancellationToken);
        try
        {
            ChannelReader<VoiceAgentEvent> events = _agent.Events;
            bool unflushed = false;
            while (true)
            {
                Task<bool> more = events.WaitToReadAsync(cancellationToken).AsTask();
                if (unflushed && !more.IsCompleted
                    && await Task.WhenAny(more, Task.Delay(FlushAfterQuiet, _time, cancellationToken)) != more)
                {
                    // Some providers (ElevenLabs) never say an answer is over: a pause in their audio means it is.
                    await session.Playback.FlushAsync(cancellationToken);
                    unflushed = false;
                }

                if (!await more)
                {
                    break;
                }

                while (events.TryRead(out VoiceAgentEvent? e))
                {
                    unflushed = e is AgentAudio || (unflushed && e is not ResponseFinished);
                    await OnAgentEventAsync(session, e, cancellationToken);
                }
            }
        }
        finally
        {
            _toProvider.Writer.TryComplete();
            await pump;
        }

        // The provider ended the session without an error: treat it as a failure of the provider.
        throw new VoiceAgentException($"{_agent.Provider} ended the session");
    }

    public async ValueTask DisposeAsync()
    {
        _toProvider.Writer.TryComplete();
        while (_toProvider.Reader.TryRead(out AudioFrame? left))
        {
            left.Dispose();
        }

        await _agent.DisposeAsync();
        await _fallback.DisposeAsync();
    }

    private async Task OnAgentEventAsync(CallSession session, VoiceAgentEvent e, CancellationToken cancellationToken)
    {
        switch (e)
        {
            case AgentAudio audio:
                try
                {
                    await session.Playback.WriteAsync(audio.Pcm.AsMemory(0, audio.Length), cancellationToken);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(audio.Pcm);
                }

                break;
            case ResponseFinished:
                await session.Playback.FlushAsync(cancellationToken);
                break;
            case CallerSpeech { Started: true } when session.Playback.IsPlaying:
                TimeSpan heard = session.Playback.HeardEstimate;
                await session.Playback.StopAsync(cancellationToken);
                await _agent.InterruptAsync(heard, cancellationToken);
                BargeIns++;
                break;
            case Transcript { Final: true } line:
                _transcripts.Add(line);
                break;
            case ToolCallRequested call:
                // Tools are declared per secretary; until one is wired, the provider hears that it is missing.
                await _agent.SendToolResultAsync(call.CallId, """{"error":"tool not available"}""", cancellationToken);
                break;
            case AgentError { Fatal: true } error:
                Log.ProviderFailed(_logger, session.CallUuid, _agent.Provider, error.Code, error.Message);
                throw new VoiceAgentException($"{_agent.Provider}: {error.Code} {error.Message}");
        }
    }

    private async Task PumpCallerAudioAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (AudioFrame frame in _toProvider.Reader.ReadAllAsync(cancellationToken))
            {
                using (frame)
                {
                    await _agent.SendAudioAsync(frame.Memory[..frame.Length], cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2031, LogLevel.Warning, "Voice agent {Provider} of call {CallId} failed: {Code} {Message}")]
        public static partial void ProviderFailed(ILogger logger, string callId, string provider, string code, string message);

        [LoggerMessage(2032, LogLevel.Warning, "Call {CallId} goes on without {Provider}: {Reason}")]
        public static partial void FellBack(ILogger logger, string callId, string provider, string reason);
    }
}
