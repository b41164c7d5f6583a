using System.Threading.Channels;
using Switchboard.Fakes.Gemini;
using Switchboard.Protocols.Realtime;

namespace Switchboard.Protocols.Tests.Realtime.Gemini;

internal static class GeminiTestSupport
{
    public static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    public const string TakeMessageSchema =
        """{"type":"object","properties":{"name":{"type":"string","description":"Caller name"},"phone":{"type":["string","null"]}},"required":["name"],"additionalProperties":false,"$schema":"http://json-schema.org/draft-07/schema#"}""";

    public static VoiceAgentSettings Settings(GeminiLiveFake fake, string? apiKey = null) => new()
    {
        Instructions = "Você é a recepcionista.",
        Language = "pt-BR",
        Voice = "Kore",
        Endpoint = fake.Endpoint,
        ApiKey = apiKey ?? fake.ApiKey,
        CallSampleRate = 8000,
        Tools = [new ToolDefinition("take_message", "Takes a message for the team.", TakeMessageSchema)],
    };

    /// <summary>Reads events until one matches, returning all read (bounded).</summary>
    public static async Task<List<VoiceAgentEvent>> ReadUntilAsync(ChannelReader<VoiceAgentEvent> events, Func<VoiceAgentEvent, bool> stop)
    {
        var read = new List<VoiceAgentEvent>();
        using var timeout = new CancellationTokenSource(Bound);
        while (true)
        {
            VoiceAgentEvent next = await events.ReadAsync(timeout.Token);
            read.Add(next);
            if (stop(next))
            {
                return read;
            }
        }
    }

    public static short[] Samples(IEnumerable<VoiceAgentEvent> events)
    {
        var samples = new List<short>();
        foreach (AgentAudio audio in events.OfType<AgentAudio>())
        {
            for (int i = 0; i + 1 < audio.Length; i += 2)
            {
                samples.Add(BitConverter.ToInt16(audio.Pcm, i));
            }
        }

        return [.. samples];
    }

    public static short[] Samples(IEnumerable<GeminiReceivedAudio> audio)
    {
        var samples = new List<short>();
        foreach (GeminiReceivedAudio chunk in audio)
        {
            for (int i = 0; i + 1 < chunk.Pcm.Length; i += 2)
            {
                samples.Add(BitConverter.ToInt16(chunk.Pcm, i));
            }
        }

        return [.. samples];
    }

    /// <summary>Goertzel amplitude of <paramref name="hz"/> as a fraction of full scale (≈ the tone's amplitude when present).</summary>
    public static double Amplitude(ReadOnlySpan<short> samples, double hz, int sampleRate)
    {
        double coefficient = 2 * Math.Cos(2 * Math.PI * hz / sampleRate);
        double s1 = 0, s2 = 0;
        foreach (short sample in samples)
        {
            double s0 = sample + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        double power = (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
        return 2 * Math.Sqrt(Math.Max(power, 0)) / samples.Length / 32767;
    }

    public static short[] Tone(int samples, double hz, int sampleRate, double amplitude = 0.5)
    {
        var tone = new short[samples];
        for (int n = 0; n < samples; n++)
        {
            tone[n] = (short)Math.Round(amplitude * 32767 * Math.Sin(2 * Math.PI * hz * n / sampleRate));
        }

        return tone;
    }

    public static byte[] Bytes(short[] samples)
    {
        byte[] bytes = new byte[samples.Length * 2];
        Buffer.BlockCopy(samples, 0, bytes, 0, bytes.Length);
        return bytes;
    }
}
