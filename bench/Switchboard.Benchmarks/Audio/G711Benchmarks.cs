using BenchmarkDotNet.Attributes;
using Switchboard.Protocols.Audio;

namespace Switchboard.Benchmarks.Audio;

/// <summary>G.711 µ-law on one 20 ms frame at 8 kHz (160 samples), the per-frame cost of a telephone leg.</summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class G711Benchmarks
{
    private readonly short[] _pcm = new short[160];
    private readonly byte[] _ulaw = new byte[160];
    private readonly short[] _decoded = new short[160];

    [GlobalSetup]
    public void Setup()
    {
        ToneGenerator.Fill(_pcm, 1013, 8000, amplitude: 0.3);
        G711.MuLawEncode(_pcm, _ulaw);
    }

    [Benchmark]
    public void MuLawEncodeFrame() => G711.MuLawEncode(_pcm, _ulaw);

    [Benchmark]
    public void MuLawDecodeFrame() => G711.MuLawDecode(_ulaw, _decoded);
}
