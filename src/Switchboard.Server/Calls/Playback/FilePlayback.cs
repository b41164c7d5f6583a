using System.Buffers;
using System.Buffers.Text;
using System.Text.Json;
using Switchboard.Protocols.FreeSwitch.EventSocket;

namespace Switchboard.Server.Calls.Playback;

/// <summary>
/// Playback through the stock community mod_audio_stream (reference/freeswitch-verified.md Q2, Q3):
/// audio goes to FreeSWITCH as <c>streamAudio</c> text frames, the module writes each to a file and
/// fires <c>mod_audio_stream::play</c>, and we queue the file with <c>sendmsg execute playback</c> +
/// <c>event-lock</c> (20 ms seams). Barge-in is <c>uuid_break &lt;uuid&gt; all</c>, which flushes every
/// queued file; the stream itself is never stopped while files are queued (that deletes them).
/// </summary>
/// <remarks>
/// Chunks start small so the first audio is heard fast (~30 ms after the event), then double up to
/// <see cref="CallsOptions.MaxChunkMilliseconds"/> so seams become rare. Each chunk carries a
/// generation number; a barge-in bumps it, and play events of older generations are ignored.
/// </remarks>
public sealed class FilePlayback : ICallPlayback, IDisposable
{
    private readonly string _callUuid;
    private readonly int _sampleRate;
    private readonly int _bytesPerMillisecond;
    private readonly EventSocketClient _esl;
    private readonly Func<OutgoingText, CancellationToken, ValueTask> _send;
    private readonly CallsOptions _options;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);
    // Audio of the chunk being filled: rented when its first bytes arrive and returned when it is sent, so a call that
    // is not speaking holds no buffer (a 1.9 s chunk is 61 KB).
    private byte[] _pending = [];
    private int _pendingBytes;
    private int _chunkMilliseconds;
    private int _generation;
    private int _sequence;
    private long _queuedUntilTimestamp;
    private long _sentMilliseconds;
    private long _utteranceStartTimestamp;

    public FilePlayback(
        string callUuid,
        int sampleRate,
        EventSocketClient esl,
        Func<OutgoingText, CancellationToken, ValueTask> send,
        CallsOptions options,
        TimeProvider time)
    {
        _callUuid = callUuid;
        _sampleRate = sampleRate;
        _bytesPerMillisecond = sampleRate * 2 / 1000;
        _esl = esl;
        _send = send;
        _options = options;
        _time = time;
        _chunkMilliseconds = options.FirstChunkMilliseconds;
    }

    /// <summary>Chunks handed to FreeSWITCH (for tests and metrics).</summary>
    public int ChunksSent { get; private set; }

    /// <summary>Play events acted on (files queued with sendmsg).</summary>
    public int FilesQueued { get; private set; }

    /// <summary>The file of the last play event acted on (its <c>PLAYBACK_STOP</c> ends what was queued so far).</summary>
    public string? LastFileQueued { get; private set; }

    /// <summary>Play events ignored because a barge-in made them stale.</summary>
    public int StaleFilesIgnored { get; private set; }

    public long SentMilliseconds => Interlocked.Read(ref _sentMilliseconds);

    /// <summary>All audio handed to FreeSWITCH during the call, in milliseconds.</summary>
    public long TotalSentMilliseconds => Interlocked.Read(ref _totalSentMilliseconds);

    private long _totalSentMilliseconds;

    /// <summary><see cref="TimeProvider.GetTimestamp"/> when the first chunk of the current (or last) utterance was sent; 0 after a stop.</summary>
    public long UtteranceStartTimestamp => Interlocked.Read(ref _utteranceStartTimestamp);

    /// <summary>
    /// How much of the current utterance the caller has heard by now: the time since its first chunk was
    /// handed to FreeSWITCH less the ~30 ms it takes to start (reference/freeswitch-verified.md Q3), at most
    /// what was sent. Barge-in tells the provider this, so it forgets what the caller never heard.
    /// </summary>
    public TimeSpan HeardEstimate
    {
        get
        {
            // Each chunk is a file FreeSWITCH plays after the previous one plus a ~20 ms seam: the caller has heard
            // the chunks that started before now, the last one only partly.
            lock (_chunks)
            {
                long now = _time.GetTimestamp();
                double heard = 0;
                for (int i = 0; i < _chunkCount; i++)
                {
                    ref readonly PlayedChunk chunk = ref _chunks[i];
                    double since = (now - chunk.StartTimestamp) * 1000.0 / _time.TimestampFrequency - PlaybackStartLatency.TotalMilliseconds;
                    if (since <= 0)
                    {
                        break;
                    }

                    heard += Math.Min(since, chunk.Milliseconds);
                }

                return TimeSpan.FromMilliseconds(heard);
            }
        }
    }

    /// <summary>The audio written from now on is a new answer: <see cref="HeardEstimate"/> counts from here.</summary>
    public void BeginResponse()
    {
        lock (_chunks)
        {
            _chunkCount = 0;
        }
    }

    private readonly record struct PlayedChunk(long StartTimestamp, int Milliseconds);

    // Chunks of the current utterance, in play order (bounded: chunks grow to MaxChunkMilliseconds, so a long answer
    // needs few; the oldest are folded into the first entry when full).
    private readonly PlayedChunk[] _chunks = new PlayedChunk[64];
    private int _chunkCount;

    private static readonly TimeSpan PlaybackStartLatency = TimeSpan.FromMilliseconds(30);

    /// <summary>
    /// Smallest chunk sent early: each file costs FreeSWITCH a ~20 ms seam and a command round trip, so a provider that
    /// speaks at real-time pace gets chunks of this size rather than one file per delta.
    /// </summary>
    private const int MinStarvedChunkMilliseconds = 160;

    /// <summary>Queued playback below which pending audio is sent at once rather than grown into a bigger chunk.</summary>
    private static readonly TimeSpan StarvationMargin = TimeSpan.FromMilliseconds(200);

    private TimeSpan QueuedAhead()
    {
        long ahead = Interlocked.Read(ref _queuedUntilTimestamp) - _time.GetTimestamp();
        return ahead <= 0 ? TimeSpan.Zero : TimeSpan.FromTicks(ahead * TimeSpan.TicksPerSecond / _time.TimestampFrequency);
    }

    public bool IsPlaying => _pendingBytes > 0 || _time.GetTimestamp() < Interlocked.Read(ref _queuedUntilTimestamp);

    public async ValueTask WriteAsync(ReadOnlyMemory<byte> pcm, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            while (!pcm.IsEmpty)
            {
                int chunkBytes = _chunkMilliseconds * _bytesPerMillisecond;
                if (_pending.Length < chunkBytes)
                {
                    GrowPending(chunkBytes);
                }

                int take = Math.Min(pcm.Length, chunkBytes - _pendingBytes);
                pcm.Span[..take].CopyTo(_pending.AsSpan(_pendingBytes));
                _pendingBytes += take;
                pcm = pcm[take..];
                if (_pendingBytes >= chunkBytes)
                {
                    await SendPendingAsync(cancellationToken);
                    _chunkMilliseconds = Math.Min(_chunkMilliseconds * 2, _options.MaxChunkMilliseconds);
                }
            }

            // A provider that speaks at real-time pace would starve the caller while a doubled chunk fills:
            // when what is queued at FreeSWITCH is about to run out, send what there is.
            if (_pendingBytes >= MinStarvedChunkMilliseconds * _bytesPerMillisecond && ChunksSent > 0 && QueuedAhead() < StarvationMargin)
            {
                await SendPendingAsync(cancellationToken);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_pendingBytes > 0)
            {
                await SendPendingAsync(cancellationToken);
            }

            _chunkMilliseconds = _options.FirstChunkMilliseconds;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            _generation++;
            _pendingBytes = 0;
            ReturnPending();
            _chunkMilliseconds = _options.FirstChunkMilliseconds;
            Interlocked.Exchange(ref _queuedUntilTimestamp, 0);
            Interlocked.Exchange(ref _sentMilliseconds, 0);
            Interlocked.Exchange(ref _utteranceStartTimestamp, 0);
            lock (_chunks)
            {
                _chunkCount = 0;
            }
            await _esl.BreakAsync(_callUuid, all: true, cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Handles <c>mod_audio_stream::play</c>: queue the file unless a barge-in made it stale.</summary>
    public async Task OnPlayEventAsync(EventSocketEvent playEvent, CancellationToken cancellationToken)
    {
        if (!TryReadPlayBody(playEvent.Body, out string? file, out int generation))
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            // Checked under the gate, so a barge-in's uuid_break cannot overtake this sendmsg.
            if (generation != _generation)
            {
                StaleFilesIgnored++;
                return;
            }

            await _esl.PlaybackAsync(_callUuid, file!, eventUuid: null, cancellationToken);
            FilesQueued++;
            LastFileQueued = file;
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose()
    {
        _gate.Dispose();
        ReturnPending();
    }

    private void GrowPending(int bytes)
    {
        byte[] larger = ArrayPool<byte>.Shared.Rent(bytes);
        _pending.AsSpan(0, _pendingBytes).CopyTo(larger);
        ReturnPending();
        _pending = larger;
    }

    private void ReturnPending()
    {
        byte[] pending = Interlocked.Exchange(ref _pending, []);
        if (pending.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(pending);
        }
    }

    private async ValueTask SendPendingAsync(CancellationToken cancellationToken)
    {
        int milliseconds = _pendingBytes / _bytesPerMillisecond;
        byte[] buffer = ArrayPool<byte>.Shared.Rent(StreamAudioMessage.MaxLength(_pendingBytes));
        int length = StreamAudioMessage.Write(buffer, _sampleRate, _pending.AsSpan(0, _pendingBytes), _sequence++, _generation);
        _pendingBytes = 0;
        ReturnPending();
        await _send(new OutgoingText(buffer, length), cancellationToken);
        ChunksSent++;
        Interlocked.Add(ref _totalSentMilliseconds, milliseconds);

        // The caller hears this chunk after the ones already queued (20 ms seam each).
        long now = _time.GetTimestamp();
        if (now >= Interlocked.Read(ref _queuedUntilTimestamp))
        {
            // Nothing was playing: a new utterance starts with this chunk.
            Interlocked.Exchange(ref _utteranceStartTimestamp, now);
            Interlocked.Exchange(ref _sentMilliseconds, milliseconds);
        }
        else
        {
            Interlocked.Add(ref _sentMilliseconds, milliseconds);
        }

        long start = Math.Max(now, Interlocked.Read(ref _queuedUntilTimestamp));
        lock (_chunks)
        {
            if (_chunkCount == _chunks.Length)
            {
                // Fold the two oldest (both long finished) into one entry of their total length.
                _chunks[0] = new PlayedChunk(_chunks[0].StartTimestamp, _chunks[0].Milliseconds + _chunks[1].Milliseconds);
                Array.Copy(_chunks, 2, _chunks, 1, _chunks.Length - 2);
                _chunkCount--;
            }

            _chunks[_chunkCount++] = new PlayedChunk(start, milliseconds);
        }

        long duration = (milliseconds + 20) * _time.TimestampFrequency / 1000;
        Interlocked.Exchange(ref _queuedUntilTimestamp, start + duration);
    }

    private static bool TryReadPlayBody(string? body, out string? file, out int generation)
    {
        file = null;
        generation = -1;
        if (string.IsNullOrEmpty(body))
        {
            return false;
        }

        try
        {
            using var document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty("file", out JsonElement fileElement)
                || fileElement.ValueKind != JsonValueKind.String
                || !root.TryGetProperty("gen", out JsonElement genElement)
                || !genElement.TryGetInt32(out generation))
            {
                return false;
            }

            file = fileElement.GetString();
            return !string.IsNullOrEmpty(file);
        }
        catch (JsonException)
        {
            return false;
        }
    }
}

/// <summary>A text frame for the session's send loop; the buffer is rented and returned after sending.</summary>
public readonly record struct OutgoingText(byte[] Buffer, int Length);

/// <summary>
/// The <c>streamAudio</c> text frame of mod_audio_stream, written straight into a caller-supplied buffer:
/// <c>{"type":"streamAudio","data":{"audioDataType":"raw","sampleRate":8000,"audioData":"&lt;base64&gt;","seq":0,"gen":0}}</c>.
/// </summary>
internal static class StreamAudioMessage
{
    private static ReadOnlySpan<byte> Head => "{\"type\":\"streamAudio\",\"data\":{\"audioDataType\":\"raw\",\"sampleRate\":"u8;

    private static ReadOnlySpan<byte> AudioData => ",\"audioData\":\""u8;

    private static ReadOnlySpan<byte> Sequence => "\",\"seq\":"u8;

    private static ReadOnlySpan<byte> Generation => ",\"gen\":"u8;

    private static ReadOnlySpan<byte> Tail => "}}"u8;

    /// <summary>Bytes enough for a message carrying <paramref name="audioBytes"/> of audio.</summary>
    public static int MaxLength(int audioBytes) =>
        Head.Length + 11 + AudioData.Length + Base64.GetMaxEncodedToUtf8Length(audioBytes) + Sequence.Length + 11 + Generation.Length + 11 + Tail.Length;

    /// <summary>Writes the message and returns its length.</summary>
    public static int Write(Span<byte> destination, int sampleRate, ReadOnlySpan<byte> audio, int sequence, int generation)
    {
        int at = Append(destination, 0, Head);
        at += Format(destination[at..], sampleRate);
        at = Append(destination, at, AudioData);
        Base64.EncodeToUtf8(audio, destination[at..], out _, out int encoded);
        at += encoded;
        at = Append(destination, at, Sequence);
        at += Format(destination[at..], sequence);
        at = Append(destination, at, Generation);
        at += Format(destination[at..], generation);
        return Append(destination, at, Tail);
    }

    private static int Append(Span<byte> destination, int at, ReadOnlySpan<byte> text)
    {
        text.CopyTo(destination[at..]);
        return at + text.Length;
    }

    private static int Format(Span<byte> destination, int value)
    {
        if (!Utf8Formatter.TryFormat(value, destination, out int written))
        {
            throw new InvalidOperationException("The streamAudio buffer is too small.");
        }

        return written;
    }
}
