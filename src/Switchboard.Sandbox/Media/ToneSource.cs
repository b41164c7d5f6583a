namespace Switchboard.Sandbox.Media;

/// <summary>
/// Sine tones at 8 kHz: one frequency or several summed (DTMF-like dual tones, conference enter
/// sounds), for a fixed duration or forever.
/// </summary>
public sealed class ToneSource : IAudioSource
{
    private readonly Oscillator[] _oscillators;
    private readonly double _amplitude;
    private long _remaining;

    /// <summary>A single tone.</summary>
    public ToneSource(double frequency, double amplitude = 0.3, TimeSpan? duration = null)
        : this([frequency], amplitude, duration)
    {
    }

    /// <summary>
    /// Several tones summed; <paramref name="amplitude"/> (0..1 of full scale) is shared between them
    /// so the sum never clips.
    /// </summary>
    public ToneSource(IReadOnlyList<double> frequencies, double amplitude = 0.3, TimeSpan? duration = null)
    {
        ArgumentNullException.ThrowIfNull(frequencies);
        ArgumentOutOfRangeException.ThrowIfLessThan(amplitude, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(amplitude, 1.0);
        _oscillators = new Oscillator[frequencies.Count];
        for (int i = 0; i < frequencies.Count; i++)
        {
            _oscillators[i] = new Oscillator(frequencies[i], MediaFormat.SampleRate);
        }

        _amplitude = frequencies.Count == 0 ? 0 : amplitude * short.MaxValue / frequencies.Count;
        _remaining = duration is { } d ? (long)(d.TotalSeconds * MediaFormat.SampleRate) : long.MaxValue;
    }

    public int Read(Span<short> destination)
    {
        int count = (int)Math.Min(destination.Length, _remaining);
        if (_oscillators.Length == 1)
        {
            ref Oscillator oscillator = ref _oscillators[0];
            for (int n = 0; n < count; n++)
            {
                destination[n] = (short)Math.Round(oscillator.Next() * _amplitude);
            }

            oscillator.Normalize();
        }
        else
        {
            for (int n = 0; n < count; n++)
            {
                double sum = 0;
                for (int i = 0; i < _oscillators.Length; i++)
                {
                    sum += _oscillators[i].Next();
                }

                destination[n] = SampleMath.Saturate((int)Math.Round(sum * _amplitude));
            }

            for (int i = 0; i < _oscillators.Length; i++)
            {
                _oscillators[i].Normalize();
            }
        }

        if (_remaining != long.MaxValue)
        {
            _remaining -= count;
        }

        return count;
    }

    public void Dispose()
    {
    }
}
