using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Tests.Audio;

public class G711Tests
{
    [Theory]
    [InlineData(0xFF, 0)]
    [InlineData(0x00, -32124)]
    [InlineData(0x80, 32124)]
    [InlineData(0x7F, 0)]
    [InlineData(0xFE, 8)]
    [InlineData(0xEF, 132)]
    [InlineData(0x7E, -8)]
    public void MuLaw_codes_decode_to_the_ITU_table_values(int code, int expected) =>
        Assert.Equal(expected, G711.MuLawDecode((byte)code));

    [Theory]
    [InlineData(0xD5, 8)]
    [InlineData(0x55, -8)]
    [InlineData(0xAA, 32256)]
    [InlineData(0x2A, -32256)]
    [InlineData(0xD4, 24)]
    [InlineData(0xC5, 264)]
    public void ALaw_codes_decode_to_the_ITU_table_values(int code, int expected) =>
        Assert.Equal(expected, G711.ALawDecode((byte)code));

    [Theory]
    [InlineData(0, 0xFF)]
    [InlineData(-32124, 0x00)]
    [InlineData(32124, 0x80)]
    [InlineData(short.MaxValue, 0x80)]
    [InlineData(short.MinValue, 0x00)]
    [InlineData(-1, 0x7F)] // the smallest negative interval is "−0", which decodes to 0
    public void Linear_samples_encode_to_the_ITU_MuLaw_codes(int sample, int expected) =>
        Assert.Equal(expected, G711.MuLawEncode((short)sample));

    [Theory]
    [InlineData(0, 0xD5)]
    [InlineData(-8, 0x55)]
    [InlineData(-1, 0x55)]
    [InlineData(short.MaxValue, 0xAA)]
    [InlineData(short.MinValue, 0x2A)]
    public void Linear_samples_encode_to_the_ITU_ALaw_codes(int sample, int expected) =>
        Assert.Equal(expected, G711.ALawEncode((short)sample));

    [Fact]
    public void Every_MuLaw_code_survives_decode_then_encode_except_negative_zero()
    {
        for (int code = 0; code < 256; code++)
        {
            // 0x7F is "−0": it decodes to 0, which encodes as the positive zero 0xFF.
            int expected = code == 0x7F ? 0xFF : code;
            Assert.Equal(expected, G711.MuLawEncode(G711.MuLawDecode((byte)code)));
        }
    }

    [Fact]
    public void Every_ALaw_code_survives_decode_then_encode()
    {
        for (int code = 0; code < 256; code++)
        {
            Assert.Equal(code, G711.ALawEncode(G711.ALawDecode((byte)code)));
        }
    }

    [Fact]
    public void MuLaw_round_trip_error_is_at_most_half_a_step_of_the_segment()
    {
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            byte code = G711.MuLawEncode((short)x);
            int decoded = G711.MuLawDecode(code);
            if (Math.Abs(x) > 32635)
            {
                Assert.Equal(Math.Sign(x) * 32124, decoded); // beyond the clip level: the largest code
                continue;
            }

            // G.711 µ-law segment e (0..7) has 16 steps of 2^(e+3) in 16-bit units; decoding picks the middle.
            int segment = ((~code) >> 4) & 0x07;
            int halfStep = 1 << (segment + 2);
            Assert.True(Math.Abs(decoded - x) <= halfStep, $"x={x} decoded={decoded} segment={segment}");
        }
    }

    [Fact]
    public void ALaw_round_trip_error_is_at_most_half_a_step_of_the_segment()
    {
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            byte code = G711.ALawEncode((short)x);
            int decoded = G711.ALawDecode(code);

            // A-law segments 0 and 1 step by 16 in 16-bit units; segment s ≥ 1 steps by 2^(s+3).
            int segment = ((code ^ 0x55) >> 4) & 0x07;
            int halfStep = segment == 0 ? 8 : 1 << (segment + 2);
            Assert.True(Math.Abs(decoded - x) <= halfStep, $"x={x} decoded={decoded} segment={segment}");
        }
    }

    [Fact]
    public void Companding_is_monotonic_and_odd_symmetric()
    {
        int previousMu = int.MinValue, previousA = int.MinValue;
        for (int x = short.MinValue; x <= short.MaxValue; x++)
        {
            int mu = G711.MuLawDecode(G711.MuLawEncode((short)x));
            int a = G711.ALawDecode(G711.ALawEncode((short)x));
            Assert.True(mu >= previousMu && a >= previousA, $"not monotonic at {x}");
            previousMu = mu;
            previousA = a;
        }

        for (int code = 0; code < 256; code++)
        {
            Assert.Equal(-G711.MuLawDecode((byte)code), G711.MuLawDecode((byte)(code ^ 0x80)));
            Assert.Equal(-G711.ALawDecode((byte)code), G711.ALawDecode((byte)(code ^ 0x80)));
        }
    }

    [Fact]
    public void Span_conversions_match_the_single_sample_ones()
    {
        var random = new Random(711);
        var pcm = new short[160];
        for (int i = 0; i < pcm.Length; i++)
        {
            pcm[i] = (short)random.Next(short.MinValue, short.MaxValue + 1);
        }

        var mu = new byte[160];
        var a = new byte[160];
        var muPcm = new short[160];
        var aPcm = new short[160];
        G711.MuLawEncode(pcm, mu);
        G711.ALawEncode(pcm, a);
        G711.MuLawDecode(mu, muPcm);
        G711.ALawDecode(a, aPcm);

        for (int i = 0; i < pcm.Length; i++)
        {
            Assert.Equal(G711.MuLawEncode(pcm[i]), mu[i]);
            Assert.Equal(G711.ALawEncode(pcm[i]), a[i]);
            Assert.Equal(G711.MuLawDecode(mu[i]), muPcm[i]);
            Assert.Equal(G711.ALawDecode(a[i]), aPcm[i]);
        }
    }

    [Fact]
    public void A_destination_shorter_than_the_source_is_rejected()
    {
        Assert.Throws<ArgumentException>(() => G711.MuLawEncode(new short[160], new byte[159]));
        Assert.Throws<ArgumentException>(() => G711.MuLawDecode(new byte[160], new short[159]));
        Assert.Throws<ArgumentException>(() => G711.ALawEncode(new short[160], new byte[159]));
        Assert.Throws<ArgumentException>(() => G711.ALawDecode(new byte[160], new short[159]));
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.1)]
    [InlineData(0.01)]
    public void Companding_keeps_the_SNR_roughly_constant_over_a_34_dB_range_of_levels(double amplitude)
    {
        // The point of G.711: about 35–39 dB SNR whatever the level, where 8-bit linear PCM would give
        // under 10 dB at −40 dBFS. 1013 Hz so the samples do not repeat every few periods.
        short[] tone = Signals.Tone(8000, 1013, 8000, amplitude);
        var codes = new byte[tone.Length];
        var decoded = new short[tone.Length];

        G711.MuLawEncode(tone, codes);
        G711.MuLawDecode(codes, decoded);
        double muLaw = Signals.FitTone(decoded, 1013, 8000).SnrDb;
        G711.ALawEncode(tone, codes);
        G711.ALawDecode(codes, decoded);
        double aLaw = Signals.FitTone(decoded, 1013, 8000).SnrDb;

        Assert.True(muLaw >= 33, $"µ-law SNR {muLaw:F1} dB");
        Assert.True(aLaw >= 33, $"A-law SNR {aLaw:F1} dB");
    }
}
