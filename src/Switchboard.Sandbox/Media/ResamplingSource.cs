namespace Switchboard.Sandbox.Media;

/// <summary>
/// Base for sources whose material is at another rate (a 16 kHz WAV, an <c>.r16</c> file): pulls input
/// in 20 ms blocks, converts to 8 kHz and hands out exact frames, carrying the remainder.
/// </summary>
public abstract class ResamplingSource : IAudioSource
{
    private readonly RateConverter _converter;
    private readonly short[] _input;
    private readonly short[] _carry;
    private int _carryStart;
    private int _carryLength;
    private bool _ended;

    protected ResamplingSource(int inputRate)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(inputRate);
        InputRate = inputRate;
        _converter = new RateConverter(inputRate, MediaFormat.SampleRate);
        _input = new short[Math.Max(1, inputRate / 50)];
        _carry = new short[_converter.MaxOutputLength(_input.Length) + MediaFormat.FrameSamples];
    }

    /// <summary>The rate of the underlying material.</summary>
    public int InputRate { get; }

    /// <summary>Reads up to <paramref name="destination"/>.Length samples at <see cref="InputRate"/>; 0 at the end.</summary>
    protected abstract int ReadInput(Span<short> destination);

    public int Read(Span<short> destination)
    {
        int written = 0;
        while (written < destination.Length)
        {
            if (_carryLength > 0)
            {
                int take = Math.Min(_carryLength, destination.Length - written);
                _carry.AsSpan(_carryStart, take).CopyTo(destination[written..]);
                _carryStart += take;
                _carryLength -= take;
                written += take;
                continue;
            }

            if (_ended)
            {
                break;
            }

            int read = ReadInput(_input);
            if (read <= 0)
            {
                _ended = true;
                break;
            }

            _carryStart = 0;
            _carryLength = _converter.Process(_input.AsSpan(0, read), _carry);
        }

        return written;
    }

    /// <summary>Starts over (for looping sources): drops carried samples and converter history.</summary>
    protected void ResetConversion()
    {
        _converter.Reset();
        _carryLength = 0;
        _ended = false;
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
    }
}
