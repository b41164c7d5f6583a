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
/// Three kernels share one filter design: integer up-sampling (8k→24k) and integer down-sampling
/// (24k→8k) vectorise across output samples, so no per-sample horizontal sum is needed; the rational
/// 3/2 and 2/3 ratios take one vector dot product per output sample. Every output is the same sum in the
/// same order whatever the chunking, which is what makes chunked and one-shot results bit-identical.
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
    private readonly float[] _planes; // pure decimation: the block split into M planes, each _planeStride long
    private readonly int _planeStride;
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
        // Slack of two vectors after the block for the spare lanes of the vector kernels.
        _buffer = new float[_history + BlockSize + (2 * Vector<float>.Count)];
        if (l == 1 && m > 1)
        {
            _planeStride = (_filter.TapsPerPhase / m) + (BlockSize / m) + 1 + (2 * Vector<float>.Count);
            _planes = new float[m * _planeStride];
        }
        else
        {
            _planes = [];
        }
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

        Span<float> buffer = _buffer;
        int written = 0;
        while (!input.IsEmpty)
        {
            int count = Math.Min(input.Length, BlockSize);
            ToFloat(input[..count], buffer.Slice(_history, count));

            written += (l, m) switch
            {
                (1, 1) => PassThrough(count, output[written..]),
                (_, 1) => Interpolate(count, output[written..]),
                (1, _) => Decimate(count, output[written..]),
                _ => Rational(count, output[written..]),
            };
            buffer.Slice(count, _history).CopyTo(buffer);
            input = input[count..];
        }

        return written;
    }

    /// <summary>
    /// General L/M path: one dot product of a branch with the input window per output sample.
    /// </summary>
    private int Rational(int count, Span<short> output)
    {
        int l = _filter.Interpolation;
        int m = _filter.Decimation;
        int taps = _filter.TapsPerPhase;
        ReadOnlySpan<float> buffer = _buffer;
        ReadOnlySpan<float> coefficients = _coefficients;
        int written = 0;
        int phase = _phase;
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

        _phase = phase;
        return written;
    }

    private int PassThrough(int count, Span<short> output)
    {
        ReadOnlySpan<float> block = _buffer.AsSpan(_history, count);
        for (int i = 0; i < block.Length; i++)
        {
            output[i] = (short)block[i];
        }

        return count;
    }

    /// <summary>
    /// Integer down-sampling (L = 1): one output per M inputs. The block is split into M planes (every
    /// M-th sample) so that consecutive outputs read consecutive plane samples, which lets the kernel
    /// vectorise across time as <see cref="Interpolate"/> does, with no strided loads.
    /// </summary>
    private int Decimate(int count, Span<short> output)
    {
        int m = _filter.Decimation;
        int phase = _phase; // inputs to skip before the next output
        if (phase >= count)
        {
            _phase = phase - count;
            return 0;
        }

        int outputs = (count - phase + m - 1) / m;
        int perPlane = _filter.TapsPerPhase / m;
        int stride = _planeStride;
        int width = Vector<float>.Count;

        // Output t reads the window starting at buffer index phase + m·t; plane s, sample j is buffer[phase + s + m·j].
        Span<float> planes = _planes;
        ReadOnlySpan<float> buffer = _buffer;
        int span = perPlane + outputs - 1;
        for (int s = 0; s < m; s++)
        {
            // The slices check both ranges once, so the copy itself can skip per-element bounds checks.
            ref float plane = ref MemoryMarshal.GetReference(planes.Slice(s * stride, span));
            ref float source = ref MemoryMarshal.GetReference(buffer.Slice(phase + s, ((span - 1) * m) + 1));
            for (nint j = 0, from = 0; j < span; j++, from += m)
            {
                Unsafe.Add(ref plane, j) = Unsafe.Add(ref source, from);
            }
        }

        ref float planesRef = ref MemoryMarshal.GetArrayDataReference(_planes);
        ref float coefficients = ref MemoryMarshal.GetArrayDataReference(_filter.PlaneCoefficients);
        Span<int> lanes = stackalloc int[2 * Vector<int>.Count];
        for (int start = 0; start < outputs; start += 2 * width)
        {
            var first = Vector<float>.Zero;
            var second = Vector<float>.Zero;
            for (int s = 0; s < m; s++)
            {
                Fir(
                    ref Unsafe.Add(ref coefficients, s * perPlane),
                    ref Unsafe.Add(ref planesRef, (s * stride) + start),
                    (nuint)perPlane,
                    out Vector<float> planeFirst,
                    out Vector<float> planeSecond);
                first += planeFirst;
                second += planeSecond;
            }

            SaturateToInt32(first).CopyTo(lanes);
            SaturateToInt32(second).CopyTo(lanes[width..]);
            int valid = Math.Min(2 * width, outputs - start);
            for (int j = 0; j < valid; j++)
            {
                output[start + j] = (short)lanes[j];
            }
        }

        _phase = phase + (m * outputs) - count;
        return outputs;
    }

    /// <summary>
    /// Integer up-sampling (M = 1): every input yields L outputs, one per branch. Vectorised across time
    /// instead of across taps: each vector lane is the output for a different input position, so there is
    /// no horizontal sum per sample. Lanes past the end of the block read the slack after it and are
    /// discarded; since every lane computes the same sum in the same order, results do not depend on how
    /// the input is chunked.
    /// </summary>
    private int Interpolate(int count, Span<short> output)
    {
        int l = _filter.Interpolation;
        int taps = _filter.TapsPerPhase;
        int width = Vector<float>.Count;
        ref float buffer = ref MemoryMarshal.GetArrayDataReference(_buffer);
        ref float coefficients = ref MemoryMarshal.GetArrayDataReference(_coefficients);
        Span<int> lanes = stackalloc int[2 * Vector<int>.Count];
        for (int start = 0; start < count; start += 2 * width)
        {
            int valid = Math.Min(2 * width, count - start);
            ref float window = ref Unsafe.Add(ref buffer, start);
            for (int p = 0; p < l; p++)
            {
                Fir(ref Unsafe.Add(ref coefficients, p * taps), ref window, (nuint)taps, out Vector<float> first, out Vector<float> second);
                SaturateToInt32(first).CopyTo(lanes);
                SaturateToInt32(second).CopyTo(lanes[width..]);
                Span<short> target = output[((start * l) + p)..];
                for (int j = 0; j < valid; j++)
                {
                    target[j * l] = (short)lanes[j];
                }
            }
        }

        return count * l;
    }

    /// <summary>
    /// Two vectors of FIR outputs at once: lane j of <paramref name="first"/> is Σₖ branch[k]·window[j + k],
    /// <paramref name="second"/> the same for the next <c>Vector&lt;float&gt;.Count</c> positions. Each tap is broadcast
    /// once for both, and eight independent accumulator chains keep the FMA units busy instead of waiting on
    /// each other's latency. <paramref name="taps"/> must be a multiple of 4.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Fir(ref float branch, ref float window, nuint taps, out Vector<float> first, out Vector<float> second)
    {
        nuint width = (nuint)Vector<float>.Count;
        var a0 = Vector<float>.Zero;
        var a1 = Vector<float>.Zero;
        var a2 = Vector<float>.Zero;
        var a3 = Vector<float>.Zero;
        var b0 = Vector<float>.Zero;
        var b1 = Vector<float>.Zero;
        var b2 = Vector<float>.Zero;
        var b3 = Vector<float>.Zero;
        for (nuint k = 0; k < taps; k += 4)
        {
            var c0 = new Vector<float>(Unsafe.Add(ref branch, k));
            var c1 = new Vector<float>(Unsafe.Add(ref branch, k + 1));
            var c2 = new Vector<float>(Unsafe.Add(ref branch, k + 2));
            var c3 = new Vector<float>(Unsafe.Add(ref branch, k + 3));
            a0 = Vector.FusedMultiplyAdd(c0, Vector.LoadUnsafe(ref window, k), a0);
            b0 = Vector.FusedMultiplyAdd(c0, Vector.LoadUnsafe(ref window, k + width), b0);
            a1 = Vector.FusedMultiplyAdd(c1, Vector.LoadUnsafe(ref window, k + 1), a1);
            b1 = Vector.FusedMultiplyAdd(c1, Vector.LoadUnsafe(ref window, k + 1 + width), b1);
            a2 = Vector.FusedMultiplyAdd(c2, Vector.LoadUnsafe(ref window, k + 2), a2);
            b2 = Vector.FusedMultiplyAdd(c2, Vector.LoadUnsafe(ref window, k + 2 + width), b2);
            a3 = Vector.FusedMultiplyAdd(c3, Vector.LoadUnsafe(ref window, k + 3), a3);
            b3 = Vector.FusedMultiplyAdd(c3, Vector.LoadUnsafe(ref window, k + 3 + width), b3);
        }

        first = (a0 + a1) + (a2 + a3);
        second = (b0 + b1) + (b2 + b3);
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

    private static void ToFloat(ReadOnlySpan<short> source, Span<float> destination)
    {
        int i = 0;
        if (Vector.IsHardwareAccelerated)
        {
            int width = Vector<short>.Count;
            int floatWidth = Vector<float>.Count;
            for (; i <= source.Length - width; i += width)
            {
                Vector.Widen(new Vector<short>(source[i..]), out Vector<int> low, out Vector<int> high);
                Vector.ConvertToSingle(low).CopyTo(destination[i..]);
                Vector.ConvertToSingle(high).CopyTo(destination[(i + floatWidth)..]);
            }
        }

        for (; i < source.Length; i++)
        {
            destination[i] = source[i];
        }
    }

    /// <summary>Rounds to nearest and clamps to the PCM16 range, lane-wise; matches <see cref="Saturate"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<int> SaturateToInt32(Vector<float> value)
    {
        Vector<float> clamped = Vector.Min(Vector.Max(Vector.Round(value), new Vector<float>(short.MinValue)), new Vector<float>(short.MaxValue));
        return Vector.ConvertToInt32Native(clamped); // in range after the clamp, so the native conversion needs no fix-ups
    }

    private static short Saturate(float value) =>
        (short)Math.Clamp((int)MathF.Round(value), short.MinValue, short.MaxValue);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float ra = ref MemoryMarshal.GetReference(a);
        ref float rb = ref MemoryMarshal.GetReference(b);
        int length = a.Length;
        int width = Vector<float>.Count;
        var acc0 = Vector<float>.Zero;
        var acc1 = Vector<float>.Zero;
        var acc2 = Vector<float>.Zero;
        var acc3 = Vector<float>.Zero;
        int i = 0;
        for (; i <= length - (4 * width); i += 4 * width)
        {
            acc0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref ra, (nuint)i), Vector.LoadUnsafe(ref rb, (nuint)i), acc0);
            acc1 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref ra, (nuint)(i + width)), Vector.LoadUnsafe(ref rb, (nuint)(i + width)), acc1);
            acc2 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref ra, (nuint)(i + (2 * width))), Vector.LoadUnsafe(ref rb, (nuint)(i + (2 * width))), acc2);
            acc3 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref ra, (nuint)(i + (3 * width))), Vector.LoadUnsafe(ref rb, (nuint)(i + (3 * width))), acc3);
        }

        for (; i <= length - width; i += width)
        {
            acc0 = Vector.FusedMultiplyAdd(Vector.LoadUnsafe(ref ra, (nuint)i), Vector.LoadUnsafe(ref rb, (nuint)i), acc0);
        }

        float sum = Vector.Sum((acc0 + acc1) + (acc2 + acc3));
        for (; i < length; i++)
        {
            sum += Unsafe.Add(ref ra, i) * Unsafe.Add(ref rb, i);
        }

        return sum;
    }
}
