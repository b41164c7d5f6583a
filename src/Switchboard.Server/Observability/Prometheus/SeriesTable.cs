using System.Collections.Concurrent;
using System.Text;

namespace Switchboard.Server.Observability.Prometheus;

/// <summary>
/// The series of one metric, found by a measurement's tags. A known tag set is a lock-free, allocation-free
/// lookup; a new one takes a lock, is canonicalised (sorted, names sanitised) so that the same tags in
/// another order share a series, and is remembered under its original order too.
/// </summary>
internal sealed class SeriesTable<TSeries>
    where TSeries : Series
{
    private const string OverflowLabels = "otel_metric_overflow=\"true\"";

    private readonly ConcurrentDictionary<TagSet, TSeries> _byTags = new(TagSetComparer.Instance);
    private readonly ConcurrentDictionary<TagSet, TSeries>.AlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>> _lookup;
    private readonly Dictionary<TagSet, TSeries> _byCanonicalTags = new(TagSetComparer.Instance);
    private readonly Func<byte[], TSeries> _create;
    private readonly int _limit;
    private readonly string? _reservedLabel;
    private readonly Action _limitReached;
    private readonly Lock _gate = new();
    private TSeries[] _all = [];
    private TSeries? _overflow;

    /// <param name="create">Makes a series from its rendered labels.</param>
    /// <param name="limit">Most distinct tag sets; beyond it measurements go to one overflow series.</param>
    /// <param name="reservedLabel">A label name the metric type uses itself (<c>le</c> for histograms).</param>
    /// <param name="limitReached">Called once, the first time the limit is hit.</param>
    public SeriesTable(Func<byte[], TSeries> create, int limit, string? reservedLabel, Action limitReached)
    {
        _lookup = _byTags.GetAlternateLookup<ReadOnlySpan<KeyValuePair<string, object?>>>();
        _create = create;
        _limit = limit;
        _reservedLabel = reservedLabel;
        _limitReached = limitReached;
    }

    /// <summary>Every series in creation order; the array is replaced, never changed, so readers need no lock.</summary>
    public ReadOnlySpan<TSeries> All => Volatile.Read(ref _all);

    public TSeries Get(ReadOnlySpan<KeyValuePair<string, object?>> tags) =>
        _lookup.TryGetValue(tags, out var series) ? series : GetSlow(tags);

    private TSeries GetSlow(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        lock (_gate)
        {
            if (_lookup.TryGetValue(tags, out var series))
            {
                return series;
            }

            var canonical = new TagSet(Canonical(tags));
            if (!_byCanonicalTags.TryGetValue(canonical, out series))
            {
                if (_byCanonicalTags.Count >= _limit)
                {
                    // Not remembered under these tags: an attacker-controlled label must not grow the table.
                    return _overflow ?? CreateOverflow();
                }

                series = _create(Encoding.UTF8.GetBytes(RenderLabels(canonical.Tags)));
                _byCanonicalTags.Add(canonical, series);
                Volatile.Write(ref _all, [.. _all, series]);
            }

            _lookup.TryAdd(tags, series);
            return series;
        }
    }

    private TSeries CreateOverflow()
    {
        var overflow = _create(Encoding.UTF8.GetBytes(OverflowLabels));
        _overflow = overflow;
        Volatile.Write(ref _all, [.. _all, overflow]);
        _limitReached();
        return overflow;
    }

    private static KeyValuePair<string, object?>[] Canonical(ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var sorted = tags.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return sorted;
    }

    private string RenderLabels(KeyValuePair<string, object?>[] sortedTags)
    {
        var builder = new StringBuilder();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (key, value) in sortedTags)
        {
            var name = PrometheusNames.LabelName(key);
            if (name == _reservedLabel)
            {
                name = "_" + name;
            }

            // Two keys that sanitise to one name ("a.b", "a_b"): the first wins, a label may not repeat.
            if (!seen.Add(name))
            {
                continue;
            }

            if (builder.Length > 0)
            {
                builder.Append(',');
            }

            builder.Append(name).Append("=\"");
            PrometheusNames.AppendLabelValue(builder, LabelValue(value));
            builder.Append('"');
        }

        return builder.ToString();
    }

    private static string LabelValue(object? value) => value switch
    {
        null => string.Empty,
        string text => text,
        bool flag => flag ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, System.Globalization.CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };
}
