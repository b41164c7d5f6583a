using System.Buffers;
using System.Globalization;

namespace Switchboard.Server.Observability.Prometheus;

/// <summary>Writes sample lines as UTF-8 straight into the response buffer.</summary>
internal readonly ref struct PrometheusTextWriter(IBufferWriter<byte> output)
{
    // Longest "R" double is 24 bytes ("-1.7976931348623157E+308"); long is 20.
    private const int MaxNumberBytes = 32;

    public void Write(ReadOnlySpan<byte> bytes)
    {
        output.Write(bytes);
    }

    public void Sample(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels, long value)
    {
        SampleStart(name, labels);
        var span = output.GetSpan(MaxNumberBytes + 1);
        value.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        span[written] = (byte)'\n';
        output.Advance(written + 1);
    }

    public void Sample(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels, double value)
    {
        SampleStart(name, labels);
        var span = output.GetSpan(MaxNumberBytes + 1);
        var written = FormatDouble(value, span);
        span[written] = (byte)'\n';
        output.Advance(written + 1);
    }

    /// <summary><c>name{labels,le="bound"} count</c>; <paramref name="le"/> is the formatted bound.</summary>
    public void Bucket(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels, ReadOnlySpan<byte> le, long count)
    {
        output.Write(name);
        output.Write("{"u8);
        if (labels.Length > 0)
        {
            output.Write(labels);
            output.Write(","u8);
        }

        output.Write("le=\""u8);
        output.Write(le);
        output.Write("\"} "u8);
        var span = output.GetSpan(MaxNumberBytes + 1);
        count.TryFormat(span, out var written, default, CultureInfo.InvariantCulture);
        span[written] = (byte)'\n';
        output.Advance(written + 1);
    }

    /// <summary>Go-compatible float text: <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, else the shortest round-trip form.</summary>
    public static int FormatDouble(double value, Span<byte> destination)
    {
        if (double.IsNaN(value))
        {
            "NaN"u8.CopyTo(destination);
            return 3;
        }

        if (double.IsPositiveInfinity(value))
        {
            "+Inf"u8.CopyTo(destination);
            return 4;
        }

        if (double.IsNegativeInfinity(value))
        {
            "-Inf"u8.CopyTo(destination);
            return 4;
        }

        value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture);
        return written;
    }

    public static byte[] FormatDouble(double value)
    {
        Span<byte> buffer = stackalloc byte[MaxNumberBytes];
        return buffer[..FormatDouble(value, buffer)].ToArray();
    }

    private void SampleStart(ReadOnlySpan<byte> name, ReadOnlySpan<byte> labels)
    {
        output.Write(name);
        if (labels.Length > 0)
        {
            output.Write("{"u8);
            output.Write(labels);
            output.Write("} "u8);
        }
        else
        {
            output.Write(" "u8);
        }
    }
}
