using BenchmarkDotNet.Attributes;
using Switchboard.Protocols.Audio;

namespace Switchboard.Benchmarks.Audio;

/// <summary>Resampling one 20 ms frame: 8k↔24k (telephone ↔ OpenAI Realtime) and 16k→8k.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ResamplerBenchmarks
{
    private Resampler _resampler = null!;
    private short[] _input = null!;
    private short[] _output = null!;

    [Params("8k->24k", "24k->8k", "16k->8k")]
    public string Conversion { get; set; } = "8k->24k";

    [GlobalSetup]
    public void Setup()
    {
        (int from, int to) = Conversion switch
        {
            "8k->24k" => (8000, 24000),
            "24k->8k" => (24000, 8000),
            "16k->8k" => (16000, 8000),
            _ => throw new InvalidOperationException(Conversion),
        };
        _resampler = new Resampler(from, to);
        _input = new short[Pcm16.SamplesPerFrame(from)];
        ToneGenerator.Fill(_input, 1013, from, amplitude: 0.3);
        _output = new short[Resampler.MaxOutputLength(_input.Length, from, to)];
    }

    [Benchmark]
    public int ResampleFrame() => _resampler.Process(_input, _output);
}
