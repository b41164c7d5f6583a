using System.Buffers;
using System.Diagnostics;
using System.Threading.Channels;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime;
using Switchboard.Protocols.Realtime.Local;
using Switchboard.Protocols.Realtime.OpenAi;
using Switchboard.Server.Observability;
using Switchboard.Server.Secretaries;

namespace Switchboard.Server.Calls;

/// <summary>
/// Runs a call's conversation with a voice agent (<see cref="IVoiceAgent"/>), trying the secretary's plans in
/// order (<see cref="AgentPlan"/>: realtime provider, fallback provider, pipeline, local agent). Caller frames go to
/// the agent through a small drop-oldest queue (old audio is worth less than latency); the agent's audio goes to
/// playback; when the caller speaks over the agent for long enough, playback is cut at FreeSWITCH and the agent is
/// told how much of its answer was heard. Tools run through <see cref="CallToolHandler"/>; <c>end_call</c> hangs up
/// once the goodbye was heard. When a provider cannot connect, drops, fails or runs out of budget, the caller hears
/// "one moment" and the next plan takes over with the conversation so far; the switch is recorded. When every plan
/// failed, the built-in agent answers: never silence.
/// </summary>
public sealed partial class VoiceAgentBridge : ICallAgent
{
    private static readonly TimeSpan FlushAfterQuiet = TimeSpan.FromMilliseconds(150);
    private static readonly TimeSpan SlowConnectPhraseAfter = TimeSpan.FromMilliseconds(1500);
    private static readonly TimeSpan GoodbyeLimit = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan GoodbyeWait = TimeSpan.FromSeconds(6);
    private static readonly TimeSpan PollWhileEnding = TimeSpan.FromMilliseconds(40);

    private readonly IReadOnlyList<AgentPlan> _plans;
    private readonly ICallAgent _lastResort;
    private readonly CallToolHandler? _tools;
    private readonly CallerPhraseSpeaker _phrase;
    private readonly string? _greeting;
    private readonly BridgeLimits _limits;
    private readonly SwitchboardMetrics? _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<AudioFrame> _toProvider;
    private readonly Channel<char> _dtmf = Channel.CreateBounded<char>(new BoundedChannelOptions(32) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Channel<string> _typed = Channel.CreateBounded<string>(new BoundedChannelOptions(16) { FullMode = BoundedChannelFullMode.DropOldest });
    private readonly List<Transcript> _transcripts = [];
    private readonly int _sampleRate;
    private volatile bool _fellBack;
    private long _framesDropped;

    // Turn bookkeeping (event loop only).
    private long _callerSpeechEndedAt;
    private long _callerSpeechStartedAt;
    private long _firstAudioAt;
    private bool _awaitingFirstAudio;
    private TurnLatency? _pendingLatency;
    private long _agentTurnStartedAt;
    private bool _agentTurnInterrupted;
    private bool _turnRecorded = true;
    private long _bargeInDueAt;
    private long _lastActivityAt;
    private int _idlePrompts;
    private long _endCallRequestedAt;
    private int _responsesSinceEndCall;
    private bool _goodbyeAudioSeen;
    private string? _endReason;
    private Func<CancellationToken, Task<bool>>? _afterGoodbye;
    private CallSession? _session;
    private bool _transferred;
    private bool _finished;
    private bool _toolSinceCallerTurn;
    private string? _lastCallerText;
    private string? _keywordTransferFrom;
    private int _keywordTransfers;
    private bool _responseOpen;
    private ConversationTurn? _reservedCallerTurn;
    private readonly System.Text.StringBuilder _agentPartial = new();

    /// <summary>The keyword fallback of <c>transfer_call</c> (seed 1); none when the secretary has no transfer tool.</summary>
    public KeywordTransferHandler? KeywordTransfer { get; init; }

    public VoiceAgentBridge(
        IReadOnlyList<AgentPlan> plans,
        string? greeting,
        ICallAgent lastResort,
        CallToolHandler? tools,
        CallerPhraseSpeaker phrase,
        BridgeLimits limits,
        SwitchboardMetrics? metrics,
        TimeProvider time,
        ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfZero(plans.Count);
        _plans = plans;
        _greeting = greeting;
        _lastResort = lastResort;
        _tools = tools;
        _phrase = phrase;
        _limits = limits;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _sampleRate = plans[0].Settings.CallSampleRate;
        _toProvider = Channel.CreateBounded<AudioFrame>(
            new BoundedChannelOptions(25) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true, SingleWriter = true },
            dropped =>
            {
                dropped.Dispose();
                Interlocked.Increment(ref _framesDropped);
            });
    }

    /// <summary>The provider family serving the call now (<c>echo</c> once only the built-in agent is left).</summary>
    public string Provider => _fellBack ? "echo" : _providerName;

    private string _providerName = "local";

    /// <summary>The plan serving the call now.</summary>
    public AgentPlan? CurrentPlan { get; private set; }


    /// <summary>Why the first plan gave up the call (null while it serves it).</summary>
    public string? FallbackReason { get; private set; }

    /// <summary>Caller frames dropped because the provider fell behind by more than half a second.</summary>
    public long FramesDropped => Interlocked.Read(ref _framesDropped);

    /// <summary>Times the caller spoke over the agent and its audio was cut.</summary>
    public int BargeIns { get; private set; }

    /// <summary>True when every plan failed and the built-in agent serves the call.</summary>
    public bool OnLastResort => _fellBack;

    /// <summary>Transcript lines of both sides, in order (final ones only).</summary>
    public IReadOnlyList<Transcript> Transcripts
    {
        get
        {
            lock (_transcripts)
            {
                return [.. _transcripts];
            }
        }
    }

    /// <summary>While the caller waits on hold for a transfer, the agent neither hears nor answers them.</summary>
    public void Pause(bool paused) => _paused = paused;

    private volatile bool _paused;

    // Caller audio handed straight from the media receive loop to an agent whose send only encodes and queues (set by
    // PumpCallerAudioAsync while that agent serves the call): no queue hop and no thread-pool dispatch per frame.
    private volatile IVoiceAgent? _direct;
    private byte[] _directFrame = [];

    public void OnCallerAudio(ReadOnlySpan<byte> frame)
    {
        if (_fellBack)
        {
            _lastResort.OnCallerAudio(frame);
            return;
        }

        if (_direct is { } agent)
        {
            // Only the receive loop calls this, so one reused buffer serves every frame (the agent copies it before returning).
            if (_directFrame.Length < frame.Length)
            {
                _directFrame = new byte[frame.Length];
            }

            Span<byte> direct = _directFrame.AsSpan(0, frame.Length);
            if (_paused)
            {
                direct.Clear(); // on hold: the agent hears silence
            }
            else
            {
                frame.CopyTo(direct);
            }

            try
            {
                ValueTask sent = agent.SendAudioAsync(_directFrame.AsMemory(0, frame.Length), CancellationToken.None);
                Debug.Assert(sent.IsCompleted, "a direct agent's send completes at once");
            }
            catch (VoiceAgentException)
            {
                // The event loop sees the provider fail and moves the call on.
            }

            return;
        }

        AudioFrame copy = AudioFrame.Rent(frame.Length, _sampleRate);
        if (_paused)
        {
            // On hold: the agent hears silence (its clock keeps running, but nothing the caller says reaches it).
            copy.Span.Clear();
        }
        else
        {
            frame.CopyTo(copy.Span);
        }

        if (!_toProvider.Writer.TryWrite(copy))
        {
            copy.Dispose();
        }
    }

    public void OnDtmf(char digit)
    {
        if (_fellBack)
        {
            _lastResort.OnDtmf(digit);
            return;
        }

        _dtmf.Writer.TryWrite(digit);
    }

    public void OnCallerText(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (!_fellBack && text.Trim() is { Length: > 0 } trimmed)
        {
            _typed.Writer.TryWrite(trimmed);
        }
    }

    public async Task RunAsync(CallSession session, CancellationToken cancellationToken)
    {
        _session = session;
        for (int i = 0; i < _plans.Count; i++)
        {
            AgentPlan plan = _plans[i];
            CurrentPlan = plan;
            IVoiceAgent agent = plan.Create();
            _providerName = agent.Provider;
            string? reason = null;
            try
            {
                await ConverseAsync(session, agent, plan, first: i == 0, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is VoiceAgentException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                reason = ex is OperationCanceledException ? "connect_timeout" : ex.Message;
            }
            finally
            {
                await agent.DisposeAsync();
            }

            FallbackReason ??= reason;
            _metrics?.ProviderError(agent.Provider, Kind(reason));
            AgentPlan? next = i + 1 < _plans.Count ? _plans[i + 1] : null;
            Log.FellBack(_logger, session.CallUuid, plan.Label, next?.Label ?? "echo", reason);
            session.Recorder?.SwitchedTo(next?.Mode ?? plan.Mode, next is null ? null : next.Provider?.Type ?? AiProviderType.Local, reason);
            await session.Playback.StopAsync(cancellationToken);
            await _phrase(session, CallerPhrase.OneMoment, cancellationToken);
        }

        _fellBack = true;
        await _lastResort.RunAsync(session, cancellationToken);
    }

    private static string Kind(string reason) => reason switch
    {
        "connect_timeout" => "connect_timeout",
        "budget_exhausted" or "over_budget" => "budget",
        _ when reason.Contains("ended the session", StringComparison.Ordinal) => "dropped",
        _ when reason.Contains("refused", StringComparison.OrdinalIgnoreCase) || reason.Contains("connect", StringComparison.OrdinalIgnoreCase) => "connect",
        _ => "error",
    };

    private async Task ConverseAsync(CallSession session, IVoiceAgent agent, AgentPlan plan, bool first, CancellationToken cancellationToken)
    {
        VoiceAgentSettings settings = plan.Settings;
        string? opening = _greeting;
        if (!first)
        {
            string transcript = session.Recorder?.TranscriptText ?? "";
            settings = settings with
            {
                Instructions = settings.Instructions + "\n\nYou are taking over a call already in progress; the caller just heard \"one moment\"."
                    + (transcript.Length == 0 ? "" : "\nConversation so far:\n" + transcript),
            };
            opening = "Briefly tell the caller you are back and continue helping them from where the conversation stopped.";
        }

        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimeout.CancelAfter(plan.ConnectTimeout);
            Task connect = agent.ConnectAsync(settings, connectTimeout.Token);
            if (await Task.WhenAny(connect, Task.Delay(SlowConnectPhraseAfter, _time, cancellationToken)) != connect)
            {
                // A slow provider must not leave the caller in silence while it connects.
                await _phrase(session, CallerPhrase.OneMoment, cancellationToken);
            }

            await connect;
        }

        while (_toProvider.Reader.TryRead(out AudioFrame? stale))
        {
            stale.Dispose();
        }

        _lastActivityAt = _time.GetTimestamp();
        await agent.RequestResponseAsync(opening, cancellationToken);
        using var planScope = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        Task pump = PumpCallerAudioAsync(agent, planScope.Token);
        Task keys = ForwardDtmfAsync(agent, planScope.Token);
        Task typed = ForwardTypedTextAsync(session, agent, planScope.Token);
        try
        {
            if (await EventLoopAsync(session, agent, plan, cancellationToken))
            {
                return;
            }
        }
        finally
        {
            await planScope.CancelAsync();
            await Task.WhenAll(pump, keys, typed);
            ChargeMinutes(session, plan);
        }

        // The provider ended the session without an error: treat it as a failure of the provider.
        throw new VoiceAgentException($"{agent.Provider} ended the session");
    }

    /// <summary>Handles the agent's events; true when the call ended on purpose (end_call, idle).</summary>
    private async Task<bool> EventLoopAsync(CallSession session, IVoiceAgent agent, AgentPlan plan, CancellationToken cancellationToken)
    {
        ChannelReader<VoiceAgentEvent> events = agent.Events;
        bool unflushed = false;
        long lastAudioAt = 0;
        while (true)
        {
            Task<bool> more = events.WaitToReadAsync(cancellationToken).AsTask();
            while (!more.IsCompleted)
            {
                TimeSpan? wait = NextDeadline(session, unflushed, lastAudioAt);
                if (wait is null)
                {
                    break;
                }

                if (wait > TimeSpan.Zero && await Task.WhenAny(more, Task.Delay(wait.Value, _time, cancellationToken)) == more)
                {
                    break;
                }

                if (unflushed && _time.GetElapsedTime(lastAudioAt) >= FlushAfterQuiet)
                {
                    // Some providers (ElevenLabs) never say an answer is over: a pause in their audio means it is.
                    await session.Playback.FlushAsync(cancellationToken);
                    unflushed = false;
                    NoteFirstChunk(session, agent);
                }

                if (await OnTimersAsync(session, agent, cancellationToken))
                {
                    return true;
                }
            }

            if (!await more)
            {
                return false;
            }

            while (events.TryRead(out VoiceAgentEvent? e))
            {
                if (e is AgentAudio)
                {
                    unflushed = true;
                    lastAudioAt = _time.GetTimestamp();
                }
                else if (e is ResponseFinished)
                {
                    unflushed = false;
                }

                await OnAgentEventAsync(session, agent, plan, e, cancellationToken);
            }

            if (await OnTimersAsync(session, agent, cancellationToken))
            {
                return true;
            }
        }
    }

    private TimeSpan? NextDeadline(CallSession session, bool unflushed, long lastAudioAt)
    {
        TimeSpan? next = null;
        void Consider(TimeSpan candidate) => next = next is null || candidate < next ? candidate : next;

        if (unflushed)
        {
            Consider(FlushAfterQuiet - _time.GetElapsedTime(lastAudioAt));
        }

        if (_bargeInDueAt != 0)
        {
            Consider(TimeSpan.FromTicks((_bargeInDueAt - _time.GetTimestamp()) * TimeSpan.TicksPerSecond / _time.TimestampFrequency));
        }

        if (_endCallRequestedAt != 0)
        {
            Consider(PollWhileEnding);
        }
        else if (_limits.Idle > TimeSpan.Zero)
        {
            Consider(session.Playback.IsPlaying ? _limits.Idle : _limits.Idle - _time.GetElapsedTime(_lastActivityAt));
        }

        return next is { } value && value < TimeSpan.Zero ? TimeSpan.Zero : next;
    }

    /// <summary>Barge-in confirmation, the goodbye before a hang-up, and the idle limit.</summary>
    private async Task<bool> OnTimersAsync(CallSession session, IVoiceAgent agent, CancellationToken cancellationToken)
    {
        if (_finished)
        {
            return true;
        }

        if (_transferred)
        {
            await session.HandOverAsync(cancellationToken);
            return true;
        }

        long now = _time.GetTimestamp();
        if (_bargeInDueAt != 0 && now >= _bargeInDueAt)
        {
            _bargeInDueAt = 0;
            if (session.Playback.IsPlaying)
            {
                TimeSpan heard = session.Playback.HeardEstimate;
                await session.Playback.StopAsync(cancellationToken);
                await agent.InterruptAsync(heard, cancellationToken);
                BargeIns++;
                _responseOpen = false;
                _awaitingFirstAudio = false;
                if (_turnRecorded)
                {
                    session.Recorder?.MarkLastAgentTurnInterrupted();
                }
                else
                {
                    _agentTurnInterrupted = true;
                }
            }
        }

        if (_endCallRequestedAt != 0)
        {
            // The goodbye is the provider's answer to the end_call result (the local agent said it before asking):
            // hang up once it was played, or when none comes.
            bool goodbyeDone = _responsesSinceEndCall > 0 || agent.Provider == "local"
                || (!_goodbyeAudioSeen && _time.GetElapsedTime(_endCallRequestedAt) > GoodbyeWait);
            bool heardGoodbye = goodbyeDone && !session.Playback.IsPlaying;
            if (heardGoodbye || _time.GetElapsedTime(_endCallRequestedAt) > GoodbyeLimit)
            {
                session.EndedBy(_endReason ?? "end_call");
                if (_afterGoodbye is { } handOn && await handOn(cancellationToken))
                {
                    // Handed on (e.g. to a voicemail box): the AI's part of the call is over.
                    await session.HandOverAsync(cancellationToken);
                    return true;
                }

                await session.HangUpAsync(cancellationToken);
                return true;
            }

            return false;
        }

        if (_limits.Idle > TimeSpan.Zero && !session.Playback.IsPlaying && _time.GetElapsedTime(_lastActivityAt) >= _limits.Idle)
        {
            _lastActivityAt = now;
            if (_idlePrompts++ == 0)
            {
                await agent.RequestResponseAsync("The caller has been silent for a while. Ask briefly whether they are still on the line.", cancellationToken);
            }
            else
            {
                session.EndedBy("idle_timeout");
                await agent.RequestResponseAsync("The caller is not answering. Say a short goodbye.", cancellationToken);
                _endCallRequestedAt = _time.GetTimestamp();
                _responsesSinceEndCall = 0;
                _goodbyeAudioSeen = false;
            }
        }

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _toProvider.Writer.TryComplete();
        while (_toProvider.Reader.TryRead(out AudioFrame? left))
        {
            left.Dispose();
        }

        await _lastResort.DisposeAsync();
    }

    private async Task OnAgentEventAsync(CallSession session, IVoiceAgent agent, AgentPlan plan, VoiceAgentEvent e, CancellationToken cancellationToken)
    {
        switch (e)
        {
            case AgentAudio audio:
                try
                {
                    long now = _time.GetTimestamp();
                    _lastActivityAt = now;
                    _goodbyeAudioSeen |= _endCallRequestedAt != 0;
                    if (!_responseOpen)
                    {
                        // A new answer: its turn starts with its first audio.
                        session.Playback.BeginResponse();
                        _responseOpen = true;
                        _agentTurnStartedAt = now;
                        _turnRecorded = false;
                        _agentTurnInterrupted = false;
                    }

                    if (_awaitingFirstAudio && _firstAudioAt == 0)
                    {
                        _firstAudioAt = now;
                    }

                    await session.Playback.WriteAsync(audio.Pcm.AsMemory(0, audio.Length), cancellationToken);
                    NoteFirstChunk(session, agent);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(audio.Pcm);
                }

                break;
            case ResponseFinished finished:
                _responseOpen = false;
                if (!_turnRecorded && _agentPartial.Length > 0)
                {
                    // Cut short (or a provider that never settles its text): keep what it had said.
                    RecordLine(session, new Transcript(TranscriptSpeaker.Agent, _agentPartial.ToString(), Final: true));
                }

                await session.Playback.FlushAsync(cancellationToken);
                NoteFirstChunk(session, agent);
                if (_endCallRequestedAt != 0 && _goodbyeAudioSeen)
                {
                    _responsesSinceEndCall++;
                }

                if (_keywordTransferFrom is { } announced && !_toolSinceCallerTurn)
                {
                    _keywordTransferFrom = null;
                    await KeywordTransferAsync(session, agent, announced, cancellationToken);
                }

                if (finished.Usage is { } usage && plan.Provider is { } provider)
                {
                    session.Recorder?.AddUsage(usage, provider, plan.Settings.Model);
                    if (provider.BudgetMonthlyUsd is { } budget && plan.SpentAtStart + (session.Recorder?.EstimatedCostUsd ?? 0) >= budget)
                    {
                        throw new VoiceAgentException("budget_exhausted");
                    }
                }

                break;
            case CallerSpeech speech:
                _lastActivityAt = _time.GetTimestamp();
                if (speech.Started)
                {
                    _callerSpeechStartedAt = _lastActivityAt;
                    if (session.Playback.IsPlaying)
                    {
                        // A cough is not a barge-in: the caller must keep speaking for the minimum duration.
                        _bargeInDueAt = Math.Max(1, _lastActivityAt + (long)(_limits.MinSpeech.TotalSeconds * _time.TimestampFrequency));
                        if (_limits.MinSpeech <= TimeSpan.Zero)
                        {
                            await OnTimersAsync(session, agent, cancellationToken);
                        }
                    }
                }
                else
                {
                    _bargeInDueAt = 0;
                    _toolSinceCallerTurn = false;
                    _callerSpeechEndedAt = _lastActivityAt;
                    if (session.Recorder is { } recorder)
                    {
                        DateTimeOffset ended = _time.GetUtcNow();
                        DateTimeOffset started = _callerSpeechStartedAt == 0 ? ended : ended - _time.GetElapsedTime(_callerSpeechStartedAt);
                        _reservedCallerTurn = recorder.ReserveTurn(ConversationSpeaker.Caller, started, ended);
                    }

                    _awaitingFirstAudio = true;
                    _firstAudioAt = 0;
                    _pendingLatency = null;
                }

                break;
            case Transcript { Final: true } line:
                Transcript settled = line.Speaker == TranscriptSpeaker.Agent ? line with { Text = Settle(line.Text) } : line;
                lock (_transcripts)
                {
                    _transcripts.Add(settled);
                }

                RecordLine(session, settled);
                if (settled.Speaker == TranscriptSpeaker.Caller)
                {
                    _lastCallerText = settled.Text;
                }
                else if (KeywordTransfer is not null && !_toolSinceCallerTurn && _keywordTransfers == 0
                    && agent is not LocalAgent && TransferIntent.Announced(settled.Text))
                {
                    // Announced a transfer without calling the tool: once this answer is over, the call does it.
                    _keywordTransferFrom = settled.Text;
                }

                break;
            case Transcript { Speaker: TranscriptSpeaker.Agent } partial:
                _agentPartial.Append(partial.Text);
                break;
            case ToolCallRequested call:
                _toolSinceCallerTurn = true;
                _keywordTransferFrom = null;
                await RunToolAsync(session, agent, call, cancellationToken);
                break;
            case AgentError { Fatal: true } error:
                Log.ProviderFailed(_logger, session.CallUuid, agent.Provider, error.Code, error.Message);
                throw new VoiceAgentException($"{agent.Provider}: {error.Code} {error.Message}");
            case AgentError error:
                _metrics?.ProviderError(agent.Provider, "event");
                Log.ProviderWarned(_logger, session.CallUuid, agent.Provider, error.Code, error.Message);
                break;
            case SessionEnding ending:
                DateTimeOffset at = _time.GetUtcNow();
                session.Recorder?.AddTurn(ConversationSpeaker.System, $"{agent.Provider} session ending in {ending.TimeLeft.TotalSeconds:0.#} s; resuming", at, at);
                break;
        }
    }

    private void RecordLine(CallSession session, Transcript line)
    {
        if (session.Recorder is not { } recorder || string.IsNullOrWhiteSpace(line.Text))
        {
            return;
        }

        DateTimeOffset now = _time.GetUtcNow();
        if (line.Speaker == TranscriptSpeaker.Caller && _reservedCallerTurn is null && !_awaitingFirstAudio)
        {
            // Providers that never say the caller stopped (ElevenLabs, Gemini): the settled transcript marks the turn's end.
            _callerSpeechEndedAt = _time.GetTimestamp();
            _awaitingFirstAudio = true;
            _firstAudioAt = 0;
            _pendingLatency = null;
        }

        if (line.Speaker == TranscriptSpeaker.Caller && _reservedCallerTurn is { } reserved)
        {
            _reservedCallerTurn = null;
            recorder.CompleteTurn(reserved, line.Text);
            return;
        }

        if (line.Speaker == TranscriptSpeaker.Caller)
        {
            DateTimeOffset started = _callerSpeechStartedAt == 0 ? now : now - _time.GetElapsedTime(_callerSpeechStartedAt);
            DateTimeOffset ended = _callerSpeechEndedAt == 0 ? now : now - _time.GetElapsedTime(_callerSpeechEndedAt);
            recorder.AddTurn(ConversationSpeaker.Caller, line.Text, started, ended);
            return;
        }

        DateTimeOffset agentStarted = _agentTurnStartedAt == 0 ? now : now - _time.GetElapsedTime(_agentTurnStartedAt);
        recorder.AddTurn(ConversationSpeaker.Agent, line.Text, agentStarted, now, _pendingLatency);
        if (_agentTurnInterrupted)
        {
            recorder.MarkLastAgentTurnInterrupted();
        }

        _pendingLatency = null;
        _turnRecorded = true;
        _agentPartial.Clear();
    }

    /// <summary>
    /// The settled text of an agent turn: providers that stream deltas send the whole text at the end (OpenAI),
    /// others only the last piece (Gemini); either way the turn gets all of it.
    /// </summary>
    private string Settle(string final)
    {
        string sofar = _agentPartial.ToString();
        return sofar.Length == 0 || final.StartsWith(sofar.Trim(), StringComparison.Ordinal) ? final : sofar + final;
    }

    /// <summary>Once the first chunk of an answer reached FreeSWITCH, splits the turn's latency.</summary>
    private void NoteFirstChunk(CallSession session, IVoiceAgent agent)
    {
        if (!_awaitingFirstAudio || _firstAudioAt == 0 || _callerSpeechEndedAt == 0)
        {
            return;
        }

        long sentAt = session.Playback.UtteranceStartTimestamp;
        if (sentAt < _firstAudioAt)
        {
            return;
        }

        _awaitingFirstAudio = false;
        TimeSpan provider = Elapsed(_callerSpeechEndedAt, _firstAudioAt);
        TimeSpan own = Elapsed(_firstAudioAt, sentAt);
        _pendingLatency = new TurnLatency(provider, own);
        _metrics?.ResponseLatency(agent.Provider, provider + own);
    }

    private TimeSpan Elapsed(long from, long to) =>
        TimeSpan.FromTicks(Math.Max(0, to - from) * TimeSpan.TicksPerSecond / _time.TimestampFrequency);

    private async Task RunToolAsync(CallSession session, IVoiceAgent agent, ToolCallRequested call, CancellationToken cancellationToken)
    {
        if (_tools is null)
        {
            await agent.SendToolResultAsync(call.CallId, """{"ok":false,"error":"tool not available"}""", cancellationToken);
            return;
        }

        CallToolReply reply = await _tools(session, call, cancellationToken);
        if (FollowUp(session, reply))
        {
            await agent.SendToolResultAsync(call.CallId, reply.ResultJson, cancellationToken);
        }
    }

    /// <summary>Acts on what a tool's reply asks of the call; false when the agent must not be answered (the AI's part
    /// of the call, or of the announcement, is over).</summary>
    private bool FollowUp(CallSession session, CallToolReply reply)
    {
        switch (reply.FollowUp)
        {
            case ToolFollowUp.Transferred:
                // Bridged to a person: the AI's part of the call is over.
                session.SetOutcome(ConversationOutcome.Transferred);
                session.EndedBy("transferred");
                _transferred = true;
                return false;
            case ToolFollowUp.Finished:
                // The agent's task is done (an announcement decided): no answer is wanted from the provider.
                _finished = true;
                return false;
            case ToolFollowUp.EndCall:
                _endReason = reply.EndReason;
                _afterGoodbye = reply.AfterGoodbye;
                _endCallRequestedAt = _time.GetTimestamp();
                _responsesSinceEndCall = 0;
                _goodbyeAudioSeen = false;
                return true;
            default:
                return true;
        }
    }

    private void ChargeMinutes(CallSession session, AgentPlan plan)
    {
        if (plan.Provider is { Type: AiProviderType.ElevenLabs or AiProviderType.Pipeline } provider && session.Recorder is { } recorder)
        {
            double minutes = (_time.GetUtcNow() - session.StartedAt).TotalMinutes;
            recorder.AddCost(provider, (decimal)minutes * ProviderPricing.PerMinute(provider.Type));
        }
    }

    private async Task PumpCallerAudioAsync(IVoiceAgent agent, CancellationToken cancellationToken)
    {
        if (agent is OpenAiRealtimeAgent)
        {
            // Its SendAudioAsync only encodes into a pooled message and queues it for its send loop: the receive loop calls
            // it directly for the rest of this plan (agents whose send may await the network keep the queue below).
            _direct = agent;
            try
            {
                while (_toProvider.Reader.TryRead(out AudioFrame? queued))
                {
                    queued.Dispose(); // the few frames queued while the plan started; sending them now would race the receive loop
                }

                await Task.Delay(Timeout.InfiniteTimeSpan, _time, cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
            finally
            {
                _direct = null;
            }

            return;
        }

        try
        {
            await foreach (AudioFrame frame in _toProvider.Reader.ReadAllAsync(cancellationToken))
            {
                using (frame)
                {
                    await agent.SendAudioAsync(frame.Memory[..frame.Length], cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (VoiceAgentException)
        {
            // The event loop sees the provider fail and moves the call on.
        }
    }

    private async Task ForwardDtmfAsync(IVoiceAgent agent, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (char digit in _dtmf.Reader.ReadAllAsync(cancellationToken))
            {
                _lastActivityAt = _time.GetTimestamp();
                if (agent is IDtmfAware keys)
                {
                    // A key press answers the menu: what was still queued of it is not heard.
                    if (_session?.Playback is { IsPlaying: true } playback)
                    {
                        TimeSpan heard = playback.HeardEstimate;
                        await playback.StopAsync(cancellationToken);
                        await agent.InterruptAsync(heard, cancellationToken);
                    }

                    await keys.SendDtmfAsync(digit, cancellationToken);
                }
                else
                {
                    await agent.SendTextAsync($"[The caller pressed {digit} on the phone keypad]", cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (VoiceAgentException)
        {
        }
    }

    /// <summary>Runs the keyword transfer; its result reaches the agent as a note, so it says the status and follows the
    /// fallback as if it had called the tool.</summary>
    private async Task KeywordTransferAsync(CallSession session, IVoiceAgent agent, string announced, CancellationToken cancellationToken)
    {
        _keywordTransfers++;
        CallToolReply? reply = await KeywordTransfer!(session, announced, _lastCallerText, cancellationToken);
        if (reply is null || !FollowUp(session, reply))
        {
            return;
        }

        await agent.SendTextAsync($"[transfer_call was run for you; result: {reply.ResultJson}] Tell the caller, following its 'say' and 'fallback'.", cancellationToken);
    }

    /// <summary>Typed caller text becomes a user turn of the agent; what is still being said is cut first, as for speech.</summary>
    private async Task ForwardTypedTextAsync(CallSession session, IVoiceAgent agent, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (string text in _typed.Reader.ReadAllAsync(cancellationToken))
            {
                _lastActivityAt = _time.GetTimestamp();
                if (session.Playback is { IsPlaying: true } playback)
                {
                    TimeSpan heard = playback.HeardEstimate;
                    await playback.StopAsync(cancellationToken);
                    await agent.InterruptAsync(heard, cancellationToken);
                }

                // The offline agent writes its own caller transcript for typed text; providers do not.
                if (agent is not LocalAgent && session.Recorder is { } recorder)
                {
                    DateTimeOffset now = _time.GetUtcNow();
                    recorder.AddTurn(ConversationSpeaker.Caller, text, now, now);
                }

                _lastCallerText = text;
                _toolSinceCallerTurn = false;
                await agent.SendTextAsync(text, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (VoiceAgentException)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(2031, LogLevel.Warning, "Voice agent {Provider} of call {CallId} failed: {Code} {Message}")]
        public static partial void ProviderFailed(ILogger logger, string callId, string provider, string code, string message);

        [LoggerMessage(2032, LogLevel.Warning, "Call {CallId} goes from {From} to {To}: {Reason}")]
        public static partial void FellBack(ILogger logger, string callId, string from, string to, string reason);

        [LoggerMessage(2033, LogLevel.Information, "Voice agent {Provider} of call {CallId} reported: {Code} {Message}")]
        public static partial void ProviderWarned(ILogger logger, string callId, string provider, string code, string message);
    }
}

/// <summary>Per-secretary limits the bridge enforces.</summary>
/// <param name="MinSpeech">How long the caller must speak over the agent before playback is cut.</param>
/// <param name="Idle">Silence on both sides after which the agent asks whether the caller is there, then ends the call; zero = off.</param>
public sealed record BridgeLimits(TimeSpan MinSpeech, TimeSpan Idle);
