using System.Text;

namespace Switchboard.Server.Tests.Observability;

public class PrometheusExporterFuzzTests
{
    private static readonly string[] Keys = ["tenant", "provider", "outcome", "reason"];

    // Characters that break naive writers: the three escapes, their look-alikes, separators, non-ASCII.
    private static readonly string[] Pieces =
        ["\\", "\"", "\n", "\\n", "\\\"", "\r", "\t", "{", "}", ",", "=", " ", "#", "le", "+Inf", "ç", "日本", "😀", "a", "Z", "0", ""];

    public static TheoryData<int> Seeds => [.. Enumerable.Range(1, 25)];

    [Theory]
    [MemberData(nameof(Seeds))]
    public void Random_tags_and_values_come_back_from_the_parser_exactly(int seed)
    {
        var random = new Random(seed);
        using var harness = new ExporterHarness();
        var counter = harness.Meter.CreateCounter<long>("fuzz_total");
        var histogram = harness.Meter.CreateHistogram<double>("fuzz_seconds");
        var expectedCounts = new Dictionary<string, long>(StringComparer.Ordinal);
        var expectedObservations = new Dictionary<string, int>(StringComparer.Ordinal);

        var labelSets = Enumerable.Range(0, random.Next(1, 12)).Select(_ => RandomTags(random)).ToArray();
        var measurements = random.Next(1, 300);
        for (var i = 0; i < measurements; i++)
        {
            var tags = labelSets[random.Next(labelSets.Length)];
            var delta = random.Next(0, 1000);
            var shuffled = tags.OrderBy(_ => random.Next()).ToArray();
            counter.Add(delta, shuffled);
            histogram.Record(random.NextDouble() * 20_000, shuffled);
            var key = Key(tags.Select(t => (t.Key, (string)t.Value!)));
            expectedCounts[key] = expectedCounts.GetValueOrDefault(key) + delta;
            expectedObservations[key] = expectedObservations.GetValueOrDefault(key) + 1;
        }

        var exposition = harness.ScrapeParsed();

        var counterSamples = exposition.Families["fuzz_total"].Samples;
        Assert.Equal(expectedCounts.Count, counterSamples.Count);
        foreach (var sample in counterSamples)
        {
            Assert.Equal(expectedCounts[Key(sample.Labels.Select(l => (l.Key, l.Value)))], sample.Value);
        }

        var counts = exposition.Families["fuzz_seconds"].Samples.Where(s => s.Name == "fuzz_seconds_count").ToList();
        Assert.Equal(expectedObservations.Count, counts.Count);
        foreach (var sample in counts)
        {
            Assert.Equal(expectedObservations[Key(sample.Labels.Select(l => (l.Key, l.Value)))], sample.Value);
        }
    }

    private static KeyValuePair<string, object?>[] RandomTags(Random random) =>
        [.. Keys.Where(_ => random.Next(2) == 0).Select(key => new KeyValuePair<string, object?>(key, RandomValue(random)))];

    private static string RandomValue(Random random)
    {
        var builder = new StringBuilder();
        for (var i = random.Next(0, 8); i > 0; i--)
        {
            builder.Append(Pieces[random.Next(Pieces.Length)]);
        }

        return builder.ToString();
    }

    private static string Key(IEnumerable<(string Name, string Value)> labels) =>
        string.Join("\u0001", labels.OrderBy(l => l.Name, StringComparer.Ordinal).Select(l => l.Name + "\u0002" + l.Value));
}
