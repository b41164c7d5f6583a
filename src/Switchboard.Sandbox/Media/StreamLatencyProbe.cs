using System.Buffers.Binary;
using System.Runtime.InteropServices;
using Switchboard.Protocols.Audio;

namespace Switchboard.Sandbox.Media;

/// <summary>
/// Measuring aid for load tests (off unless <see cref="SandboxOptions.StreamLatencyProbe"/> is set): the first
/// <see cref="Samples"/> samples of every binary stream message are replaced, just before the socket send, by a marker
/// and the send time (Unix µs, low 48 bits, four bits per sample). The samples are G.711 µ-law codes' own PCM values,
/// all within ±300 of 32767 (below −40 dBFS: silence to a VAD), so a receiver that carries the audio on as µ-law (OpenAI's
/// <c>audio/pcmu</c> pass-through) delivers the same codes and the far end reads when the frame left the PBX.
/// </summary>
public static class StreamLatencyProbe
{
    /// <summary>Samples (and µ-law bytes) the probe occupies at the start of a message.</summary>
    public const int Samples = 16;

    /// <summary>Differences of two stamps are taken modulo this (the stamp keeps the low 48 bits).</summary>
    public const long Modulus = 1L << 48;

    // Quiet codes: the marker (±292, ±212) and the data nibbles as 0xF0 | nibble (0–120).
    private static ReadOnlySpan<byte> Marker => [0xE5, 0xEA, 0xE5, 0xEA];

    /// <summary>Writes the probe into a PCM16 little-endian message (at least <see cref="Samples"/> samples long).</summary>
    public static void Write(Span<byte> pcm16, long unixMicroseconds)
    {
        Span<byte> codes = stackalloc byte[Samples];
        WriteCodes(codes, unixMicroseconds);
        for (int i = 0; i < Samples; i++)
        {
            BinaryPrimitives.WriteInt16LittleEndian(pcm16[(2 * i)..], G711.MuLawDecode(codes[i]));
        }
    }

    /// <summary>Writes the probe as µ-law codes (audio that is µ-law on the wire, e.g. a provider's answer).</summary>
    public static void WriteCodes(Span<byte> mulaw, long unixMicroseconds)
    {
        Marker.CopyTo(mulaw);
        for (int i = Marker.Length; i < Samples; i++)
        {
            mulaw[i] = (byte)(0xF0 | ((unixMicroseconds >> (4 * (Samples - 1 - i))) & 0xF));
        }
    }

    /// <summary>Reads the send time back from PCM16 little-endian audio (e.g. a played file); false without a probe.</summary>
    public static bool TryReadPcm16(ReadOnlySpan<byte> pcm16, out long unixMicroseconds)
    {
        unixMicroseconds = 0;
        if (pcm16.Length < 2 * Samples)
        {
            return false;
        }

        Span<byte> codes = stackalloc byte[Samples];
        G711.MuLawEncode(MemoryMarshal.Cast<byte, short>(pcm16[..(2 * Samples)]), codes);
        return TryRead(codes, out unixMicroseconds);
    }

    /// <summary>Reads the send time back from µ-law bytes; false when they carry no probe.</summary>
    public static bool TryRead(ReadOnlySpan<byte> mulaw, out long unixMicroseconds)
    {
        unixMicroseconds = 0;
        if (mulaw.Length < Samples || !mulaw[..Marker.Length].SequenceEqual(Marker))
        {
            return false;
        }

        for (int i = Marker.Length; i < Samples; i++)
        {
            if ((mulaw[i] & 0xF0) != 0xF0)
            {
                return false;
            }

            unixMicroseconds = (unixMicroseconds << 4) | (uint)(mulaw[i] & 0xF);
        }

        return true;
    }

    /// <summary>Now, as the probe writes it.</summary>
    public static long Now() => ((DateTimeOffset.UtcNow - DateTimeOffset.UnixEpoch).Ticks / 10) & (Modulus - 1);
}
