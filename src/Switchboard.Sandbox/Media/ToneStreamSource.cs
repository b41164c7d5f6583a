using System.Globalization;

namespace Switchboard.Sandbox.Media;

/// <summary>
/// A subset of FreeSWITCH's <c>tone_stream://</c> (teletone) syntax: tone segments
/// <c>%(on_ms,off_ms,freq1[,freq2…])</c> separated by <c>;</c>, and a repeat count <c>L=N</c> or
/// <c>loops=N</c> (-1 = forever; default: play once). <c>v=</c> and other <c>key=value</c> settings are
/// accepted and ignored. Examples: <c>%(200,0,500,600,700)</c> (conference enter sound),
/// <c>%(2000,4000,440,480);loops=-1</c> (US ringback).
/// </summary>
public sealed class ToneStreamSource : IAudioSource
{
    private const double Amplitude = 0.3;

    private readonly ToneSegment[] _segments;
    private readonly Oscillator[][] _oscillators;
    private readonly int _loops;
    private int _loop;
    private int _segment;
    private int _offset; // samples into the current segment

    private ToneStreamSource(ToneSegment[] segments, int loops)
    {
        _segments = segments;
        _loops = loops;
        _oscillators = new Oscillator[segments.Length][];
        for (int s = 0; s < segments.Length; s++)
        {
            _oscillators[s] = [.. segments[s].Frequencies.Select(f => new Oscillator(f, MediaFormat.SampleRate))];
        }
    }

    /// <summary>One segment: <see cref="OnMilliseconds"/> of the summed frequencies, then <see cref="OffMilliseconds"/> of silence.</summary>
    public readonly record struct ToneSegment(int OnMilliseconds, int OffMilliseconds, double[] Frequencies);

    /// <summary>The parsed segments.</summary>
    public IReadOnlyList<ToneSegment> Segments => _segments;

    /// <summary>How often the segment list plays (-1 = forever).</summary>
    public int Loops => _loops;

    /// <summary>Parses the text after <c>tone_stream://</c>; false with a reason when it is not understood.</summary>
    public static bool TryParse(string specification, out ToneStreamSource? source, out string? error)
    {
        ArgumentNullException.ThrowIfNull(specification);
        source = null;
        var segments = new List<ToneSegment>();
        int loops = 1;
        foreach (string rawPart in specification.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            string part = rawPart;
            while (part.StartsWith("%(", StringComparison.Ordinal))
            {
                int close = part.IndexOf(')', StringComparison.Ordinal);
                if (close < 0)
                {
                    error = $"Unterminated tone segment in '{specification}'.";
                    return false;
                }

                if (!TryParseSegment(part[2..close], out ToneSegment segment))
                {
                    error = $"Bad tone segment '{part[..(close + 1)]}'.";
                    return false;
                }

                segments.Add(segment);
                part = part[(close + 1)..].TrimStart();
            }

            if (part.Length == 0)
            {
                continue;
            }

            int equals = part.IndexOf('=', StringComparison.Ordinal);
            if (equals <= 0)
            {
                error = $"Unsupported tone_stream element '{part}'.";
                return false;
            }

            string key = part[..equals].Trim();
            string value = part[(equals + 1)..].Trim();
            if (key is "L" or "loops")
            {
                if (!int.TryParse(value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out loops) || loops == 0 || loops < -1)
                {
                    error = $"Bad loop count '{value}'.";
                    return false;
                }
            }
        }

        if (segments.Count == 0)
        {
            error = $"No tone segment in '{specification}'.";
            return false;
        }

        error = null;
        source = new ToneStreamSource([.. segments], loops);
        return true;
    }

    private static bool TryParseSegment(string text, out ToneSegment segment)
    {
        segment = default;
        string[] fields = text.Split(',', StringSplitOptions.TrimEntries);
        if (fields.Length < 2 || fields.Length > 10
            || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out int on)
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out int off)
            || on + off == 0)
        {
            return false;
        }

        var frequencies = new double[fields.Length - 2];
        for (int i = 0; i < frequencies.Length; i++)
        {
            if (!double.TryParse(fields[i + 2], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out frequencies[i])
                || frequencies[i] <= 0 || frequencies[i] >= MediaFormat.SampleRate / 2)
            {
                return false;
            }
        }

        segment = new ToneSegment(on, off, frequencies);
        return true;
    }

    public int Read(Span<short> destination)
    {
        int written = 0;
        while (written < destination.Length)
        {
            if (_loops != -1 && _loop >= _loops)
            {
                break;
            }

            ToneSegment segment = _segments[_segment];
            int onSamples = segment.OnMilliseconds * MediaFormat.SampleRate / 1000;
            int totalSamples = onSamples + (segment.OffMilliseconds * MediaFormat.SampleRate / 1000);
            int take = Math.Min(destination.Length - written, totalSamples - _offset);
            Span<short> span = destination.Slice(written, take);
            Oscillator[] oscillators = _oscillators[_segment];
            double scale = oscillators.Length == 0 ? 0 : Amplitude * short.MaxValue / oscillators.Length;
            for (int i = 0; i < span.Length; i++)
            {
                int position = _offset + i;
                if (position >= onSamples || oscillators.Length == 0)
                {
                    span[i] = 0;
                    continue;
                }

                double sum = 0;
                for (int f = 0; f < oscillators.Length; f++)
                {
                    sum += oscillators[f].Next();
                }

                span[i] = SampleMath.Saturate((int)(sum * scale));
            }

            for (int f = 0; f < oscillators.Length; f++)
            {
                oscillators[f].Normalize();
            }

            written += take;
            _offset += take;
            if (_offset >= totalSamples)
            {
                _offset = 0;
                for (int f = 0; f < oscillators.Length; f++)
                {
                    oscillators[f].Reset();
                }

                if (++_segment == _segments.Length)
                {
                    _segment = 0;
                    _loop++;
                }
            }
        }

        return written;
    }

    public void Dispose()
    {
    }
}
