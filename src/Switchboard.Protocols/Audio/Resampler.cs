using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Switchboard.Protocols.Audio;

/// <summary>
/// Streaming PCM16 sample-rate converter between 8, 16, 24 and 48 kHz: a polyphase FIR that up-samples
/// by L, low-passes and down-samples by M in one pass (8k→24k is 3/1, 24k→16k is 2/3). It keeps the
/// filter history across calls, so a signal cut into any chunk sizes resamples exactly as in one call.
/// </summary>
/// <remarks>
/// Not thread-safe: one instance per audio direction. After construction <see cref="Process"/> allocates
/// nothing. The linear-phase filter delays the signal by its group delay: about 3 ms for pairs involving
/// 8 kHz, 1–1.5 ms otherwise (see <see cref="PolyphaseFilter"/>).
/// </remarks>
public sealed class Resampler
{
    /// <summary>Input is converted to float in blocks of this many samples; a 20 ms frame at 48 kHz takes one block.</summary>
    private const int BlockSize = 960;

    private readonly PolyphaseFilter _filter;
    private readonly float[] _coefficients;
    private readonly float[] _buffer; // TapsPerPhase − 1 samples of history, then the current block
    private readonly int _history;
    private int _phase; // position of the next output on the L-times grid, relative to the next input sample

    public Resampler(int inputRate, int outputRate)
    {
        (int l, int m) = Ratio(inputRate, outputRate);
        InputRate = inputRate;
        OutputRate = outputRate;
        _filter = PolyphaseFilter.Get(l, m);
        _coefficients = _filter.Coefficients;
        _history = _filter.TapsPerPhase - 1;
        _buffer = new float[_history + BlockSize];
    }

    public int InputRate { get; }

    public int OutputRate { get; }

    internal PolyphaseFilter Filter => _filter;

    /// <summary>
    /// The most samples <see cref="Process"/> can write for <paramref name="inputLength"/> input samples:
    /// ⌈inputLength × outputRate / inputRate⌉.
    /// </summary>
    public static int MaxOutputLength(int inputLength, int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(inputLength);
        (int l, int m) = Ratio(inputRate, outputRate);
        return checked((int)(((long)inputLength * l + m - 1) / m));
    }

    /// <summary>
    /// Resamples <paramref name="input"/> into <paramref name="output"/> and returns how many samples were
    /// written. Size <paramref name="output"/> with <see cref="MaxOutputLength"/>; the exact count varies by
    /// one between calls when the rates do not divide the chunk evenly.
    /// </summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        int l = _filter.Interpolation;
        int m = _filter.Decimation;
        long required = input.Length == 0 ? 0 : Math.Max(0, (((long)input.Length * l) - _phase + m - 1) / m);
        if (output.Length < required)
        {
            throw new ArgumentException(
                $"The output holds {output.Length} samples but {required} are produced; size it with MaxOutputLength.",
                nameof(output));
        }

        int taps = _filter.TapsPerPhase;
        Span<float> buffer = _buffer;
        ReadOnlySpan<float> coefficients = _coefficients;
        int written = 0;
        int phase = _phase;
        while (!input.IsEmpty)
        {
            int count = Math.Min(input.Length, BlockSize);
            Span<float> block = buffer.Slice(_history, count);
            for (int i = 0; i < block.Length; i++)
            {
                block[i] = input[i];
            }

            for (int i = 0; i < count; i++)
            {
                // Window of the last `taps` inputs ending at input i, oldest first.
                ReadOnlySpan<float> window = buffer.Slice(i, taps);
                while (phase < l)
                {
                    output[written++] = Saturate(Dot(coefficients.Slice(phase * taps, taps), window));
                    phase += m;
                }

                phase -= l;
            }

            buffer.Slice(count, _history).CopyTo(buffer);
            input = input[count..];
        }

        _phase = phase;
        return written;
    }

    /// <summary>Forgets the history (as after construction), e.g. when the stream restarts.</summary>
    public void Reset()
    {
        Array.Clear(_buffer);
        _phase = 0;
    }

    private static (int L, int M) Ratio(int inputRate, int outputRate)
    {
        ValidateRate(inputRate, nameof(inputRate));
        ValidateRate(outputRate, nameof(outputRate));
        int gcd = Gcd(inputRate, outputRate);
        return (outputRate / gcd, inputRate / gcd);
    }

    private static void ValidateRate(int rate, string name)
    {
        if (rate is not (8000 or 16000 or 24000 or 48000))
        {
            throw new ArgumentOutOfRangeException(name, rate, "Supported sample rates are 8000, 16000, 24000 and 48000 Hz.");
        }
    }

    private static int Gcd(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }

    private static short Saturate(float value) =>
        (short)Math.Clamp((int)MathF.Round(value), short.MinValue, short.MaxValue);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        // Both spans have the same length (checked by the slices above); two accumulators hide the add latency.
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        int length = a.Length;
        int width = Vector<float>.Count;
        var acc0 = Vector<float>.Zero;
        var acc1 = Vector<float>.Zero;
        int i = 0;
        for (; i <= length - (2 * width); i += 2 * width)
        {
            acc0 += Vector.LoadUnsafe(ref ra, (nuint)i) * Vector.LoadUnsafe(ref rb, (nuint)i);
            acc1 += Vector.LoadUnsafe(ref ra, (nuint)(i + width)) * Vector.LoadUnsafe(ref rb, (nuint)(i + width));
        }

        for (; i <= length - width; i += width)
        {
            acc0 += Vector.LoadUnsafe(ref ra, (nuint)i) * Vector.LoadUnsafe(ref rb, (nuint)i);
        }

        float sum = Vector.Sum(acc0 + acc1);
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }

        return sum;
    }
}
