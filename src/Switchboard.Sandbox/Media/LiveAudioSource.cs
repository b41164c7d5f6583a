namespace Switchboard.Sandbox.Media;

/// <summary>
/// A pushable voice: a writer (the browser test call, a load-tool caller) enqueues PCM at any time and
/// the media clock consumes one frame per tick. An empty buffer reads as silence (the party is quiet);
/// when the buffer is full the oldest audio is dropped (latency never grows past the capacity).
/// Never ends until <see cref="Complete"/> is called and the buffer has drained.
/// </summary>
public sealed class LiveAudioSource : IAudioSource
{
    private readonly Lock _gate = new();
    private readonly SampleRing _ring;
    private readonly RateConverter _converter;
    private readonly short[] _converted;
    private bool _completed;

    /// <summary>Creates a source fed at <paramref name="inputSampleRate"/> holding at most <paramref name="capacity"/> (default 2 s).</summary>
    public LiveAudioSource(int inputSampleRate = MediaFormat.SampleRate, TimeSpan? capacity = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputSampleRate);
        InputSampleRate = inputSampleRate;
        _ring = new SampleRing(Math.Max(MediaFormat.FrameSamples, (int)((capacity ?? TimeSpan.FromSeconds(2)).TotalSeconds * MediaFormat.SampleRate)));
        _converter = new RateConverter(inputSampleRate, MediaFormat.SampleRate);
        _converted = new short[_converter.MaxOutputLength(Math.Max(1, inputSampleRate / 50))];
    }

    /// <summary>The rate <see cref="Write"/> expects.</summary>
    public int InputSampleRate { get; }

    /// <summary>Samples (8 kHz) waiting to be read.</summary>
    public int BufferedSamples
    {
        get
        {
            lock (_gate)
            {
                return _ring.Count;
            }
        }
    }

    /// <summary>Samples dropped because the buffer was full.</summary>
    public long DroppedSamples
    {
        get
        {
            lock (_gate)
            {
                return _ring.Dropped;
            }
        }
    }

    /// <summary>Enqueues mono PCM16 at <see cref="InputSampleRate"/>. Thread-safe.</summary>
    public void Write(ReadOnlySpan<short> samples)
    {
        lock (_gate)
        {
            int block = Math.Max(1, InputSampleRate / 50);
            while (!samples.IsEmpty)
            {
                ReadOnlySpan<short> chunk = samples[..Math.Min(block, samples.Length)];
                samples = samples[chunk.Length..];
                int produced = _converter.Process(chunk, _converted);
                _ring.Write(_converted.AsSpan(0, produced));
            }
        }
    }

    /// <summary>Marks the end of the voice: once drained, <see cref="Read"/> returns 0.</summary>
    public void Complete()
    {
        lock (_gate)
        {
            _completed = true;
        }
    }

    /// <summary>Discards buffered audio.</summary>
    public void Clear()
    {
        lock (_gate)
        {
            _ring.Clear();
        }
    }

    public int Read(Span<short> destination)
    {
        lock (_gate)
        {
            int take = _ring.Read(destination);
            if (_completed)
            {
                return take;
            }

            destination[take..].Clear();
            return destination.Length;
        }
    }

    public void Dispose()
    {
    }
}
