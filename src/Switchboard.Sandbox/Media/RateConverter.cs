namespace Switchboard.Sandbox.Media;

/// <summary>
/// Streaming PCM16 sample-rate conversion for one direction of one channel (linear interpolation;
/// keeps one sample of history so chunked input converts like one call). Allocation-free after
/// construction.
/// </summary>
internal sealed class RateConverter
{
    private readonly double _step;
    private double _position; // of the next output sample, in input samples relative to the current chunk
    private short _previous;  // input sample at position -1

    public RateConverter(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        InputRate = inputRate;
        OutputRate = outputRate;
        _step = (double)inputRate / outputRate;
        _position = 0;
    }

    public int InputRate { get; }

    public int OutputRate { get; }

    public bool IsPassThrough => InputRate == OutputRate;

    /// <summary>The most output samples <paramref name="inputLength"/> input samples can produce.</summary>
    public int MaxOutputLength(int inputLength) => (int)Math.Ceiling(inputLength / _step) + 2;

    /// <summary>Converts <paramref name="input"/>; returns the number of samples written to <paramref name="output"/>.</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        if (IsPassThrough)
        {
            input.CopyTo(output);
            return input.Length;
        }

        if (input.IsEmpty)
        {
            return 0;
        }

        int written = 0;
        double position = _position;
        while (written < output.Length)
        {
            int index = (int)Math.Floor(position);
            if (index + 1 >= input.Length)
            {
                break;
            }

            double fraction = position - index;
            int a = index < 0 ? _previous : input[index];
            int b = input[index + 1];
            output[written++] = (short)Math.Round(a + ((b - a) * fraction));
            position += _step;
        }

        _position = position - input.Length;
        _previous = input[^1];
        return written;
    }

    public void Reset()
    {
        _position = 0;
        _previous = 0;
    }
}
