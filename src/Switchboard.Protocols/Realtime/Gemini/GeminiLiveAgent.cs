using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Realtime.Gemini;

/// <summary>
/// Gemini Live (BidiGenerateContent over a WebSocket, ai-providers.md §3) as an <see cref="IVoiceAgent"/>.
/// </summary>
/// <remarks>
/// <para>Caller audio: each 20 ms frame is resampled from the call rate to 16 kHz PCM16 (§0, §3.4) into a pooled
/// buffer and queued; the send loop writes one <c>realtimeInput.audio</c> message per frame while it keeps up, and
/// batches up to 100 ms per message when frames have piled up (after a session switch), within the 10–100 ms
/// range of §3.4. The queue holds 2 s; beyond that the oldest audio is dropped and counted.</para>
/// <para>Agent audio: <c>inlineData</c> PCM16 24 kHz is resampled to the call rate into pooled buffers
/// (<see cref="AgentAudio"/>). On <c>interrupted</c> audio still queued for the caller is dropped.</para>
/// <para>Barge-in: Gemini detects it server-side and has no truncate message (§3.5), so
/// <see cref="InterruptAsync"/> sends nothing; it drops the queued audio and the rest of the answer in progress.</para>
/// <para>Session limits (§3.7): the latest resumable <c>sessionResumptionUpdate</c> handle is kept; on
/// <c>goAway</c> the agent reports <see cref="SessionEnding"/>, opens a new connection with that handle, holds
/// caller audio meanwhile and flushes it to the new session. <see cref="Events"/> carries on across the switch. A
/// connection that drops without a close is resumed the same way. Without a handle the connection is used until
/// the service cuts it, which ends the session with a fatal <see cref="AgentError"/>.</para>
/// </remarks>
public sealed partial class GeminiLiveAgent : IVoiceAgent
{
    /// <summary>The Developer API endpoint (§3.1); the key goes in the <c>key</c> query parameter.</summary>
    public static readonly Uri DefaultEndpoint =
        new("wss://generativelanguage.googleapis.com/ws/google.ai.generativelanguage.v1beta.GenerativeService.BidiGenerateContent");

    /// <summary>Gemini's input rate: PCM16 16 kHz (§3.4).</summary>
    public const int InputSampleRate = 16000;

    /// <summary>Gemini's output rate: PCM16 24 kHz (§3.5).</summary>
    public const int OutputSampleRate = 24000;

    private const int CallerQueueMilliseconds = 2000;
    private const int MaxBatchMilliseconds = 100;
    private const int MaxMessageBytes = 16 * 1024 * 1024;
    private static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(2);
    private static readonly JsonEncodedText InputMimeType = JsonEncodedText.Encode("audio/pcm;rate=16000");

    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _connectTimeout;
    private readonly Channel<AgentEventReader.Entry> _eventChannel;
    private readonly AgentEventReader _events;
    private readonly Channel<AudioChunk> _callerAudio;
    // The agent's own pool for queued caller frames: it holds the whole 2 s queue, so once warm a frame never
    // allocates, whatever else the process rents from the shared pool.
    private readonly ArrayPool<byte> _callerPool = ArrayPool<byte>.Create(4096, (CallerQueueMilliseconds / 20) + 28);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Lock _handleLock = new();
    private readonly CancellationTokenSource _cts = new();
    private readonly ArrayBufferWriter<byte> _audioJson = new(8192);
    private readonly Utf8JsonWriter _audioWriter;
    private readonly Dictionary<string, string> _toolNames = new(StringComparer.Ordinal);
    private readonly List<(long Count, TaskCompletionSource Done)> _messageWaiters = [];

    private VoiceAgentSettings? _settings;
    private Resampler? _inputResampler;
    private Resampler? _outputResampler;
    private byte[] _batch = [];
    private byte[] _decodeScratch = new byte[8192];
    private volatile Connection? _connection;
    private volatile TaskCompletionSource _ready = NewCompletedGate();
    private volatile string? _resumeHandle;
    private volatile TaskCompletionSource _swapped = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _ended;
    private Task _supervisor = Task.CompletedTask;
    private Task _audioLoop = Task.CompletedTask;
    private long _droppedCallerChunks;
    private long _serverMessages;
    private int _resumeCount;
    private int _disposed;

    public GeminiLiveAgent(ILogger<GeminiLiveAgent>? logger = null, TimeProvider? timeProvider = null, TimeSpan? connectTimeout = null)
    {
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _connectTimeout = connectTimeout ?? TimeSpan.FromSeconds(10);
        // Unbounded: the call loop drains events promptly, and a full queue must not stall the socket reader
        // (agent audio arrives faster than real time); audio of an interrupted answer is dropped at read time.
        _eventChannel = Channel.CreateUnbounded<AgentEventReader.Entry>(new UnboundedChannelOptions { SingleReader = true });
        _events = new AgentEventReader(_eventChannel);
        _callerAudio = Channel.CreateBounded<AudioChunk>(
            new BoundedChannelOptions(CallerQueueMilliseconds / 20)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                SingleWriter = true,
            },
            dropped =>
            {
                _callerPool.Return(dropped.Buffer);
                Interlocked.Increment(ref _droppedCallerChunks);
            });
        _audioWriter = new Utf8JsonWriter(_audioJson);
    }

    public string Provider => "gemini";

    public ChannelReader<VoiceAgentEvent> Events => _events;

    /// <summary>Caller audio frames dropped because the 2 s queue overflowed (e.g. a session switch that took too long).</summary>
    public long DroppedCallerAudioChunks => Interlocked.Read(ref _droppedCallerChunks);

    /// <summary>Agent audio chunks discarded because the answer they belonged to was interrupted.</summary>
    public long DroppedAgentAudioChunks => _events.DroppedChunks;

    /// <summary>How many times the session moved to a new connection with a resumption handle.</summary>
    public int ResumeCount => Volatile.Read(ref _resumeCount);

    public async Task ConnectAsync(VoiceAgentSettings settings, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(settings);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        if (_settings is not null)
        {
            throw new InvalidOperationException("The agent is already connected.");
        }

        if (string.IsNullOrEmpty(settings.ApiKey))
        {
            throw new VoiceAgentException("Gemini Live needs an API key.");
        }

        _settings = settings;
        _inputResampler = new Resampler(settings.CallSampleRate, InputSampleRate);
        _outputResampler = new Resampler(OutputSampleRate, settings.CallSampleRate);
        _batch = new byte[Pcm16.BytesPerFrame(InputSampleRate, MaxBatchMilliseconds)];

        Connection connection;
        try
        {
            connection = await OpenAsync(resumeHandle: null, cancellationToken);
        }
        catch (Exception)
        {
            _settings = null;
            throw;
        }

        _connection = connection;
        connection.Receive = ReceiveLoopAsync(connection, _cts.Token);
        _audioLoop = SendAudioLoopAsync(_cts.Token);
        _supervisor = SuperviseAsync(_cts.Token);
    }

    public ValueTask SendAudioAsync(ReadOnlyMemory<byte> frame, CancellationToken cancellationToken)
    {
        Resampler? resampler = _inputResampler;
        if (resampler is null || Volatile.Read(ref _disposed) != 0 || frame.IsEmpty)
        {
            return ValueTask.CompletedTask;
        }

        ReadOnlySpan<short> samples = Pcm16.AsSamples(frame.Span);
        int bytes = Resampler.MaxOutputLength(samples.Length, resampler.InputRate, InputSampleRate) * Pcm16.BytesPerSample;
        byte[] buffer = _callerPool.Rent(bytes);
        int written = resampler.Process(samples, Pcm16.AsSamples(buffer.AsSpan(0, bytes))) * Pcm16.BytesPerSample;
        if (written == 0 || !_callerAudio.Writer.TryWrite(new AudioChunk(buffer, written)))
        {
            _callerPool.Return(buffer);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>A user turn as <c>clientContent</c> with <c>turnComplete:true</c> (§3.2), so the model answers it.</summary>
    public async ValueTask SendTextAsync(string text, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        await SendMessageAsync(GeminiSetup.ClientTurn(text), cancellationToken);
    }

    /// <summary>
    /// <c>clientContent</c> with <c>turnComplete:true</c> makes the model respond (§3.2); the instructions, if any,
    /// travel as the user turn's text. Without instructions the turn is empty.
    /// </summary>
    public async ValueTask RequestResponseAsync(string? instructions, CancellationToken cancellationToken) =>
        await SendMessageAsync(GeminiSetup.ClientTurn(instructions), cancellationToken);

    public async ValueTask SendToolResultAsync(string callId, string resultJson, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(callId);
        ArgumentNullException.ThrowIfNull(resultJson);
        string? name;
        lock (_handleLock)
        {
            if (_toolNames.Remove(callId, out name) is false)
            {
                name = null;
            }
        }

        if (name is null)
        {
            Log.UnknownToolResult(_logger, callId);
            return;
        }

        await SendMessageAsync(GeminiSetup.ToolResponse(callId, name, resultJson), cancellationToken);
    }

    /// <summary>
    /// Gemini handles barge-in itself (its VAD interrupts the answer and it tracks what was played; there is no
    /// truncate message, §3.5), so nothing is sent. Locally the queued agent audio is dropped, and so is the rest of
    /// the answer in progress until its <c>turnComplete</c>. <paramref name="heard"/> is not used.
    /// </summary>
    public ValueTask InterruptAsync(TimeSpan heard, CancellationToken cancellationToken)
    {
        lock (_handleLock)
        {
            _events.DropQueuedAudio();
            if (_turnActive)
            {
                _suppressTurnAudio = true;
            }
        }

        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        _callerAudio.Writer.TryComplete();
        Connection? connection = _connection;
        if (connection is not null)
        {
            await CloseQuietlyAsync(connection, "call ended");
        }

        await _cts.CancelAsync();
        await WaitQuietlyAsync(_supervisor);
        await WaitQuietlyAsync(_audioLoop);
        if (connection is not null)
        {
            await WaitQuietlyAsync(connection.Receive);
            connection.Dispose();
        }

        while (_callerAudio.Reader.TryRead(out AudioChunk chunk))
        {
            _callerPool.Return(chunk.Buffer);
        }

        _eventChannel.Writer.TryComplete();
        _audioWriter.Dispose();
        _sendLock.Dispose();
        _cts.Dispose();
    }

    /// <summary>Test hook: completes once this many server messages have been handled, over all connections.</summary>
    internal Task WaitForServerMessagesAsync(long count)
    {
        lock (_messageWaiters)
        {
            if (_serverMessages >= count)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _messageWaiters.Add((count, done));
            return done.Task;
        }
    }

    private void CountServerMessage()
    {
        lock (_messageWaiters)
        {
            _serverMessages++;
            for (int i = _messageWaiters.Count - 1; i >= 0; i--)
            {
                if (_messageWaiters[i].Count <= _serverMessages)
                {
                    _messageWaiters[i].Done.TrySetResult();
                    _messageWaiters.RemoveAt(i);
                }
            }
        }
    }

    private static TaskCompletionSource NewCompletedGate()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        gate.SetResult();
        return gate;
    }

    private static async Task WaitQuietlyAsync(Task task)
    {
        try
        {
            await task.WaitAsync(CloseTimeout * 2);
        }
        catch (Exception)
        {
            // Loops report their own failures; here they only need to have ended.
        }
    }

    private void Emit(VoiceAgentEvent agentEvent) =>
        _eventChannel.Writer.TryWrite(new AgentEventReader.Entry(agentEvent, _events.Epoch));

    private readonly record struct AudioChunk(byte[] Buffer, int Length);

    /// <summary>One WebSocket to the service with its receive buffer; a session may span several (resumption).</summary>
    private sealed class Connection(ClientWebSocket socket) : IDisposable
    {
        public ClientWebSocket Socket { get; } = socket;

        private const int IdleBufferBytes = 4 * 1024;
        private byte[] _buffer = ArrayPool<byte>.Shared.Rent(IdleBufferBytes);

        /// <summary>The receive buffer: small between messages, grown for a large one (<see cref="ShrinkBuffer"/>).</summary>
        public byte[] Buffer { get => Volatile.Read(ref _buffer); set => Volatile.Write(ref _buffer, value); }

        /// <summary>After a message was handled: a grown buffer goes back to the pool, so an idle session holds 4 KB.</summary>
        public void ShrinkBuffer()
        {
            byte[] current = Buffer;
            if (current.Length <= IdleBufferBytes)
            {
                return;
            }

            byte[] small = ArrayPool<byte>.Shared.Rent(IdleBufferBytes);
            if (Interlocked.CompareExchange(ref _buffer, small, current) == current)
            {
                ArrayPool<byte>.Shared.Return(current);
            }
            else
            {
                ArrayPool<byte>.Shared.Return(small); // disposed meanwhile
            }
        }

        public Task<ConnectionEnd> Receive { get; set; } = Task.FromResult(new ConnectionEnd("not_started", string.Empty));

        public TaskCompletionSource GoAway { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Retired { get; set; }

        public void Dispose()
        {
            Socket.Dispose();
            byte[] buffer = Interlocked.Exchange(ref _buffer, []);
            if (buffer.Length > 0)
            {
                ArrayPool<byte>.Shared.Return(buffer);
            }
        }
    }

    private sealed record ConnectionEnd(string Code, string Message);
}
