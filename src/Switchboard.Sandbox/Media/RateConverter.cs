using Switchboard.Protocols.Audio;

namespace Switchboard.Sandbox.Media;

/// <summary>
/// Streaming PCM16 rate conversion for one direction of one channel: the polyphase
/// <see cref="Resampler"/> for 8/16/24/48 kHz pairs, linear interpolation for other rates (32, 44.1, 64 kHz
/// files and streams, which the resampler does not cover). Allocation-free after construction.
/// </summary>
internal sealed class RateConverter
{
    private readonly Resampler? _resampler;
    private readonly double _step;
    private double _position; // linear path: next output position, in input samples relative to the current chunk
    private short _previous;  // linear path: input sample at position -1

    public RateConverter(int inputRate, int outputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputRate);
        InputRate = inputRate;
        OutputRate = outputRate;
        _step = (double)inputRate / outputRate;
        if (inputRate != outputRate && IsPolyphaseRate(inputRate) && IsPolyphaseRate(outputRate))
        {
            _resampler = new Resampler(inputRate, outputRate);
        }
    }

    public int InputRate { get; }

    public int OutputRate { get; }

    public bool IsPassThrough => InputRate == OutputRate;

    /// <summary>The most output samples <paramref name="inputLength"/> input samples can produce.</summary>
    public int MaxOutputLength(int inputLength) =>
        _resampler is not null
            ? Resampler.MaxOutputLength(inputLength, InputRate, OutputRate)
            : (int)Math.Ceiling(inputLength / _step) + 2;

    /// <summary>Converts <paramref name="input"/>; returns the number of samples written to <paramref name="output"/>.</summary>
    public int Process(ReadOnlySpan<short> input, Span<short> output)
    {
        if (IsPassThrough)
        {
            input.CopyTo(output);
            return input.Length;
        }

        if (_resampler is not null)
        {
            return _resampler.Process(input, output);
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
        _resampler?.Reset();
        _position = 0;
        _previous = 0;
    }

    private static bool IsPolyphaseRate(int rate) => rate is 8000 or 16000 or 24000 or 48000;
}
