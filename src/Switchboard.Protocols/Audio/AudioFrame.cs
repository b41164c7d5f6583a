using System.Buffers;
using System.Collections.Concurrent;

namespace Switchboard.Protocols.Audio;

/// <summary>
/// A pooled buffer of audio bytes (PCM16 little-endian unless the owner says otherwise) with exactly
/// one owner. Whoever holds the frame disposes it once; after that the reference must not be used,
/// because the object goes back to a pool and will be handed to the next <see cref="Rent"/>.
/// </summary>
/// <remarks>
/// Both the byte buffer (<see cref="ArrayPool{T}.Shared"/>) and the frame object are pooled, so steady
/// state allocates nothing. The object pool is a FIFO queue rather than a LIFO bag on purpose: a frame
/// disposed by mistake twice has most likely not been re-rented yet, so the second dispose is caught
/// by the guard instead of freeing someone else's frame.
/// </remarks>
public sealed class AudioFrame : IDisposable
{
    /// <summary>Enough for every frame in flight on a busy server; beyond it, spare frames are left to the GC.</summary>
    private const int MaxPooledFrames = 4096;

    private static readonly ConcurrentQueue<AudioFrame> Pool = new();
    private static int _pooledCount;

    private byte[]? _buffer;
    private int _length;
    private int _sampleRate;
    private int _rented; // 1 while owned, 0 once returned; guards double dispose

    private AudioFrame()
    {
    }

    /// <summary>Rents a frame of <paramref name="length"/> bytes. The contents are not cleared.</summary>
    public static AudioFrame Rent(int length, int sampleRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(sampleRate);
        if (Pool.TryDequeue(out AudioFrame? frame))
        {
            Interlocked.Decrement(ref _pooledCount);
        }
        else
        {
            frame = new AudioFrame();
        }

        frame._buffer = ArrayPool<byte>.Shared.Rent(Math.Max(length, 1));
        frame._length = length;
        frame._sampleRate = sampleRate;
        frame.Sequence = 0;
        Volatile.Write(ref frame._rented, 1);
        return frame;
    }

    /// <summary>The frame's bytes.</summary>
    public Memory<byte> Memory => Buffer.AsMemory(0, _length);

    /// <summary>The frame's bytes.</summary>
    public Span<byte> Span => Buffer.AsSpan(0, _length);

    /// <summary>The frame's bytes viewed as PCM16 samples.</summary>
    public Span<short> Samples => Pcm16.AsSamples(Span);

    /// <summary>Length in bytes.</summary>
    public int Length => _length;

    /// <summary>Sample rate of the audio in Hz.</summary>
    public int SampleRate => _sampleRate;

    /// <summary>Position of the frame in its stream, set by the producer.</summary>
    public long Sequence { get; set; }

    private byte[] Buffer
    {
        get
        {
            byte[]? buffer = _buffer;
            ObjectDisposedException.ThrowIf(buffer is null, this);
            return buffer;
        }
    }

    /// <summary>Returns the buffer and the frame to their pools. A second call is ignored.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _rented, 0) == 0)
        {
            return;
        }

        byte[]? buffer = _buffer;
        _buffer = null;
        _length = 0;
        if (buffer is not null)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }

        if (Interlocked.Increment(ref _pooledCount) <= MaxPooledFrames)
        {
            Pool.Enqueue(this);
        }
        else
        {
            Interlocked.Decrement(ref _pooledCount);
        }
    }
}
