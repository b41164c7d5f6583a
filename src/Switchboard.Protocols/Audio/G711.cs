using System.Numerics;

namespace Switchboard.Protocols.Audio;

/// <summary>
/// ITU-T G.711 µ-law and A-law companding between 8-bit codes and 16-bit linear PCM.
/// Decoding is a 256-entry table lookup; encoding finds the segment with one leading-zero count
/// instead of the reference implementation's linear segment search.
/// </summary>
/// <remarks>
/// The arithmetic follows the reference code published with G.711 (the Sun/CCITT <c>g711.c</c>),
/// scaled to 16-bit input: µ-law uses a 14-bit magnitude with bias 0x84 (in 16-bit units) and clips at
/// 32635; A-law uses a 13-bit magnitude and toggles even bits (XOR 0x55).
/// </remarks>
public static class G711
{
    private const int MuLawBias = 0x84;
    private const int MuLawClip = 32635;

    private static readonly short[] MuLawTable = BuildMuLawTable();
    private static readonly short[] ALawTable = BuildALawTable();

    /// <summary>Encodes one linear sample to µ-law.</summary>
    public static byte MuLawEncode(short sample)
    {
        int pcm = sample;
        int sign = (pcm >> 8) & 0x80;
        if (sign != 0)
        {
            pcm = -pcm;
        }

        if (pcm > MuLawClip)
        {
            pcm = MuLawClip;
        }

        pcm += MuLawBias; // 132..32767: bit 7 or above is always set
        int exponent = BitOperations.Log2((uint)pcm) - 7;
        int mantissa = (pcm >> (exponent + 3)) & 0x0F;
        return (byte)~(sign | (exponent << 4) | mantissa);
    }

    /// <summary>Decodes one µ-law code to linear PCM16.</summary>
    public static short MuLawDecode(byte code) => MuLawTable[code];

    /// <summary>Encodes one linear sample to A-law.</summary>
    public static byte ALawEncode(short sample)
    {
        int pcm = sample >> 3; // 13-bit
        int mask;
        if (pcm >= 0)
        {
            mask = 0xD5;
        }
        else
        {
            mask = 0x55;
            pcm = -pcm - 1;
        }

        // pcm is 0..4095. Segment 0 covers 0..31, segment s (1..7) covers [16 << s, 32 << s).
        int segment = Math.Max(0, BitOperations.Log2((uint)pcm) - 4);
        int mantissa = segment < 2 ? (pcm >> 1) & 0x0F : (pcm >> segment) & 0x0F;
        return (byte)(((segment << 4) | mantissa) ^ mask);
    }

    /// <summary>Decodes one A-law code to linear PCM16.</summary>
    public static short ALawDecode(byte code) => ALawTable[code];

    /// <summary>Encodes PCM16 samples to µ-law, one byte per sample.</summary>
    public static void MuLawEncode(ReadOnlySpan<short> pcm, Span<byte> ulaw)
    {
        EnsureDestination(pcm.Length, ulaw.Length, nameof(ulaw));
        for (int i = 0; i < pcm.Length; i++)
        {
            ulaw[i] = MuLawEncode(pcm[i]);
        }
    }

    /// <summary>Decodes µ-law bytes to PCM16 samples.</summary>
    public static void MuLawDecode(ReadOnlySpan<byte> ulaw, Span<short> pcm)
    {
        EnsureDestination(ulaw.Length, pcm.Length, nameof(pcm));
        ReadOnlySpan<short> table = MuLawTable;
        for (int i = 0; i < ulaw.Length; i++)
        {
            pcm[i] = table[ulaw[i]];
        }
    }

    /// <summary>Encodes PCM16 samples to A-law, one byte per sample.</summary>
    public static void ALawEncode(ReadOnlySpan<short> pcm, Span<byte> alaw)
    {
        EnsureDestination(pcm.Length, alaw.Length, nameof(alaw));
        for (int i = 0; i < pcm.Length; i++)
        {
            alaw[i] = ALawEncode(pcm[i]);
        }
    }

    /// <summary>Decodes A-law bytes to PCM16 samples.</summary>
    public static void ALawDecode(ReadOnlySpan<byte> alaw, Span<short> pcm)
    {
        EnsureDestination(alaw.Length, pcm.Length, nameof(pcm));
        ReadOnlySpan<short> table = ALawTable;
        for (int i = 0; i < alaw.Length; i++)
        {
            pcm[i] = table[alaw[i]];
        }
    }

    private static void EnsureDestination(int sourceLength, int destinationLength, string name)
    {
        if (destinationLength < sourceLength)
        {
            throw new ArgumentException(
                $"Destination holds {destinationLength} samples but the source has {sourceLength}.", name);
        }
    }

    private static short[] BuildMuLawTable()
    {
        var table = new short[256];
        for (int code = 0; code < 256; code++)
        {
            int u = ~code & 0xFF;
            int exponent = (u >> 4) & 0x07;
            int mantissa = u & 0x0F;
            int magnitude = (((mantissa << 3) + MuLawBias) << exponent) - MuLawBias;
            table[code] = (short)((u & 0x80) != 0 ? -magnitude : magnitude);
        }

        return table;
    }

    private static short[] BuildALawTable()
    {
        var table = new short[256];
        for (int code = 0; code < 256; code++)
        {
            int a = code ^ 0x55;
            int magnitude = (a & 0x0F) << 4;
            int segment = (a & 0x70) >> 4;
            magnitude = segment switch
            {
                0 => magnitude + 8,
                1 => magnitude + 0x108,
                _ => (magnitude + 0x108) << (segment - 1),
            };
            table[code] = (short)((a & 0x80) != 0 ? magnitude : -magnitude);
        }

        return table;
    }
}
