using Switchboard.Protocols.Audio;
using Switchboard.Sandbox.Media;

namespace Switchboard.Sandbox.Tests.Media;

public sealed class StreamLatencyProbeTests
{
    [Theory]
    [InlineData(0L)]
    [InlineData(1_763_800_000_123_456L)]
    [InlineData(StreamLatencyProbe.Modulus - 1)]
    public void The_send_time_survives_the_mulaw_pass_through_and_the_probe_is_silence(long unixMicroseconds)
    {
        byte[] pcm = new byte[320];
        Pcm16.AsSamples(pcm.AsSpan()).Fill(1234);
        StreamLatencyProbe.Write(pcm, unixMicroseconds & (StreamLatencyProbe.Modulus - 1));

        // What a server that forwards 8 kHz audio as audio/pcmu sends on.
        byte[] mulaw = new byte[160];
        G711.MuLawEncode(Pcm16.AsSamples((ReadOnlySpan<byte>)pcm), mulaw);

        Assert.True(StreamLatencyProbe.TryRead(mulaw, out long read));
        Assert.Equal(unixMicroseconds & (StreamLatencyProbe.Modulus - 1), read);
        Assert.All(Pcm16.AsSamples((ReadOnlySpan<byte>)pcm)[..StreamLatencyProbe.Samples].ToArray(), s => Assert.InRange(Math.Abs((int)s), 0, 300));
        Assert.All(Pcm16.AsSamples((ReadOnlySpan<byte>)pcm)[StreamLatencyProbe.Samples..].ToArray(), s => Assert.Equal(1234, s)); // the rest untouched
    }

    [Fact]
    public void Written_as_mulaw_codes_it_is_read_back_from_the_pcm16_they_decode_to()
    {
        // The other direction: a provider's µ-law answer, decoded by the server and written to a file by the PBX.
        long stamp = StreamLatencyProbe.Now();
        byte[] codes = new byte[160];
        StreamLatencyProbe.WriteCodes(codes, stamp);
        short[] decoded = new short[160];
        G711.MuLawDecode(codes, decoded);

        Assert.True(StreamLatencyProbe.TryReadPcm16(Pcm16.AsBytes(decoded), out long read));
        Assert.Equal(stamp, read);
        Assert.False(StreamLatencyProbe.TryReadPcm16(new byte[2 * (StreamLatencyProbe.Samples - 1)], out _));
    }

    [Fact]
    public void Audio_without_the_probe_is_not_read_as_one()
    {
        byte[] mulaw = new byte[160];
        G711.MuLawEncode(new short[160], mulaw);
        Assert.False(StreamLatencyProbe.TryRead(mulaw, out _));
        Assert.False(StreamLatencyProbe.TryRead(mulaw.AsSpan(0, 8), out _));
    }
}
