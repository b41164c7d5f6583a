namespace Switchboard.Sandbox.Media;

/// <summary>Saturating PCM16 arithmetic used by mixers (no allocation, spans only).</summary>
internal static class SampleMath
{
    public static short Saturate(int value) =>
        value > short.MaxValue ? short.MaxValue : value < short.MinValue ? short.MinValue : (short)value;

    /// <summary>destination[i] = saturate(a[i] + b[i]).</summary>
    public static void Mix(ReadOnlySpan<short> a, ReadOnlySpan<short> b, Span<short> destination)
    {
        for (int i = 0; i < destination.Length; i++)
        {
            destination[i] = Saturate(a[i] + b[i]);
        }
    }

    /// <summary>Adds <paramref name="samples"/> into a 32-bit accumulator.</summary>
    public static void Accumulate(ReadOnlySpan<short> samples, Span<int> accumulator)
    {
        for (int i = 0; i < accumulator.Length; i++)
        {
            accumulator[i] += samples[i];
        }
    }
}
