namespace Switchboard.Server.Observability.Prometheus;

/// <summary>One time series of a metric: its rendered labels (escaped UTF-8, no braces) and its values.</summary>
internal abstract class Series(byte[] labels)
{
    public byte[] Labels { get; } = labels;

    protected static void AddDouble(ref double location, double value)
    {
        var current = Volatile.Read(ref location);
        while (true)
        {
            var seen = Interlocked.CompareExchange(ref location, current + value, current);

            // Compare bits: NaN never equals itself and would spin forever.
            if (BitConverter.DoubleToInt64Bits(seen) == BitConverter.DoubleToInt64Bits(current))
            {
                return;
            }

            current = seen;
        }
    }
}

/// <summary>A counter or gauge value; integral instruments use the long, floating ones the double.</summary>
internal sealed class NumberSeries(byte[] labels) : Series(labels)
{
    private long _long;
    private double _double;

    public long LongValue => Volatile.Read(ref _long);

    public double DoubleValue => Volatile.Read(ref _double);

    public void Add(long value) => Interlocked.Add(ref _long, value);

    public void Add(double value) => AddDouble(ref _double, value);

    public void Set(long value) => Interlocked.Exchange(ref _long, value);

    public void Set(double value) => Interlocked.Exchange(ref _double, value);
}

/// <summary>Per-bucket (not cumulative) counts, the last one being +Inf, and the sum of observations.</summary>
internal sealed class HistogramSeries(byte[] labels, int bucketCount) : Series(labels)
{
    private readonly long[] _counts = new long[bucketCount];
    private double _sum;

    public double Sum => Volatile.Read(ref _sum);

    public long CountAt(int bucket) => Volatile.Read(ref _counts[bucket]);

    public void Record(double value, double[] bounds)
    {
        Interlocked.Increment(ref _counts[BucketIndex(value, bounds)]);
        AddDouble(ref _sum, value);
    }

    /// <summary>The first bucket whose upper bound is &gt;= <paramref name="value"/> (le is inclusive); NaN goes to +Inf.</summary>
    public static int BucketIndex(double value, double[] bounds)
    {
        if (double.IsNaN(value))
        {
            return bounds.Length;
        }

        var index = Array.BinarySearch(bounds, value);
        return index >= 0 ? index : ~index;
    }
}
