using Switchboard.Fakes.Pipeline;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime.Pipeline;
using Switchboard.Protocols.Tests.Audio;

namespace Switchboard.Protocols.Tests.Realtime.Pipeline;

public sealed class TextToSpeechTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Theory]
    [InlineData(8000)]
    [InlineData(16000)]
    [InlineData(48000)]
    public async Task OpenAI_pcm_24k_arrives_at_the_call_rate_with_the_tone_intact(int callRate)
    {
        await using OpenAiTtsFake fake = await OpenAiTtsFake.StartAsync();
        using var http = new HttpClient();
        var tts = new OpenAiTextToSpeech(http, new OpenAiTtsOptions { BaseUrl = fake.BaseUrl, ApiKey = fake.ApiKey, Instructions = "Warm." }, callRate);

        short[] pcm = await CollectAsync(tts, "Guten Tag");

        var request = Assert.Single(fake.Requests);
        Assert.Equal("gpt-4o-mini-tts", (string?)request["model"]);
        Assert.Equal("marin", (string?)request["voice"]);
        Assert.Equal("pcm", (string?)request["response_format"]);
        Assert.Equal("Guten Tag", (string?)request["input"]);
        Assert.Equal("Warm.", (string?)request["instructions"]);

        // 500 ms of 24 kHz audio is 500 ms at the call rate.
        Assert.Equal(callRate / 2, pcm.Length);
        AssertTone(pcm, 1000, callRate);
    }

    [Fact]
    public async Task OpenAI_tts_1_gets_no_instructions()
    {
        await using OpenAiTtsFake fake = await OpenAiTtsFake.StartAsync();
        using var http = new HttpClient();
        var tts = new OpenAiTextToSpeech(http, new OpenAiTtsOptions { BaseUrl = fake.BaseUrl, ApiKey = fake.ApiKey, Model = "tts-1", Voice = "alloy", Instructions = "Warm." }, 8000);
        Assert.NotEmpty(await CollectAsync(tts, "Hallo"));
        Assert.Null(Assert.Single(fake.Requests)["instructions"]);
    }

    [Fact]
    public async Task OpenAI_errors_carry_status_and_message()
    {
        await using OpenAiTtsFake fake = await OpenAiTtsFake.StartAsync();
        using var http = new HttpClient();
        var wrongKey = new OpenAiTextToSpeech(http, new OpenAiTtsOptions { BaseUrl = fake.BaseUrl, ApiKey = "sk-wrong" }, 8000);
        ProviderHttpException error = await Assert.ThrowsAsync<ProviderHttpException>(() => CollectAsync(wrongKey, "x"));
        Assert.Equal(401, error.StatusCode);
        Assert.Equal("invalid_api_key", error.ErrorCode);

        var badVoice = new OpenAiTextToSpeech(http, new OpenAiTtsOptions { BaseUrl = fake.BaseUrl, ApiKey = fake.ApiKey, Voice = "bogus" }, 8000);
        error = await Assert.ThrowsAsync<ProviderHttpException>(() => CollectAsync(badVoice, "x"));
        Assert.Equal(400, error.StatusCode);
        Assert.Contains("bogus", error.ProviderMessage, StringComparison.Ordinal);

        fake.NextError = (429, "Rate limit reached.", "rate_limit_exceeded");
        var ok = new OpenAiTextToSpeech(http, new OpenAiTtsOptions { BaseUrl = fake.BaseUrl, ApiKey = fake.ApiKey }, 8000);
        error = await Assert.ThrowsAsync<ProviderHttpException>(() => CollectAsync(ok, "x"));
        Assert.Equal(429, error.StatusCode);
        Assert.Equal("Rate limit reached.", error.ProviderMessage);
    }

    [Fact]
    public async Task ElevenLabs_at_8k_asks_for_ulaw_8000_and_decodes_it()
    {
        await using ElevenLabsTtsFake fake = await ElevenLabsTtsFake.StartAsync();
        using var http = new HttpClient();
        var tts = new ElevenLabsTextToSpeech(http, new ElevenLabsTtsOptions { BaseUrl = fake.BaseUrl, ApiKey = fake.ApiKey, VoiceId = "JBFqnCBsd6RMkjVDRZzb", LanguageCode = "de" }, 8000);

        short[] pcm = await CollectAsync(tts, "Guten Tag");

        (string voice, string format, var body) = Assert.Single(fake.Requests);
        Assert.Equal("JBFqnCBsd6RMkjVDRZzb", voice);
        Assert.Equal("ulaw_8000", format);
        Assert.Equal("eleven_flash_v2_5", (string?)body["model_id"]);
        Assert.Equal("de", (string?)body["language_code"]);
        Assert.Equal(4000, pcm.Length);
        AssertTone(pcm, 1000, 8000);
    }

    [Fact]
    public async Task ElevenLabs_at_16k_asks_for_pcm_16000_and_passes_it_through()
    {
        await using ElevenLabsTtsFake fake = await ElevenLabsTtsFake.StartAsync();
        using var http = new HttpClient();
        var tts = new ElevenLabsTextToSpeech(http, new ElevenLabsTtsOptions { BaseUrl = fake.BaseUrl, ApiKey = fake.ApiKey, VoiceId = "JBFqnCBsd6RMkjVDRZzb" }, 16000);

        short[] pcm = await CollectAsync(tts, "Oi");
        Assert.Equal("pcm_16000", Assert.Single(fake.Requests).OutputFormat);
        Assert.Equal(8000, pcm.Length);
        AssertTone(pcm, 1000, 16000);
    }

    [Fact]
    public async Task ElevenLabs_errors_carry_status_and_detail()
    {
        await using ElevenLabsTtsFake fake = await ElevenLabsTtsFake.StartAsync();
        using var http = new HttpClient();
        var unknownVoice = new ElevenLabsTextToSpeech(http, new ElevenLabsTtsOptions { BaseUrl = fake.BaseUrl, ApiKey = fake.ApiKey, VoiceId = "nobody" }, 8000);
        ProviderHttpException error = await Assert.ThrowsAsync<ProviderHttpException>(() => CollectAsync(unknownVoice, "x"));
        Assert.Equal(404, error.StatusCode);
        Assert.Equal("voice_not_found", error.ErrorCode);

        var wrongKey = new ElevenLabsTextToSpeech(http, new ElevenLabsTtsOptions { BaseUrl = fake.BaseUrl, ApiKey = "bad", VoiceId = "JBFqnCBsd6RMkjVDRZzb" }, 8000);
        error = await Assert.ThrowsAsync<ProviderHttpException>(() => CollectAsync(wrongKey, "x"));
        Assert.Equal(401, error.StatusCode);
        Assert.Equal("Invalid API key", error.ProviderMessage);
    }

    [Fact]
    public async Task Piper_16k_voice_is_resampled_to_the_call_rate()
    {
        await using PiperFake fake = await PiperFake.StartAsync();
        using var http = new HttpClient();
        var tts = new PiperTextToSpeech(http, new PiperTtsOptions { BaseUrl = fake.BaseUrl, Voice = "de_DE-thorsten-low", LengthScale = 0.9 }, 8000);

        short[] pcm = await CollectAsync(tts, "Guten Tag");
        var request = Assert.Single(fake.Requests);
        Assert.Equal("Guten Tag", (string?)request["text"]);
        Assert.Equal("de_DE-thorsten-low", (string?)request["voice"]);
        Assert.Equal(0.9, (double?)request["length_scale"]);
        Assert.Equal(4000, pcm.Length);
        AssertTone(pcm, 1000, 8000);
    }

    [Fact]
    public async Task Piper_22050_voice_is_refused_with_a_message_naming_the_fix()
    {
        await using PiperFake fake = await PiperFake.StartAsync();
        using var http = new HttpClient();
        var tts = new PiperTextToSpeech(http, new PiperTtsOptions { BaseUrl = fake.BaseUrl, Voice = "de_DE-thorsten-medium" }, 8000);
        NotSupportedException error = await Assert.ThrowsAsync<NotSupportedException>(() => CollectAsync(tts, "x"));
        Assert.Contains("22050 Hz", error.Message, StringComparison.Ordinal);
        Assert.Contains("16 kHz", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Piper_unknown_voice_is_an_HTTP_error()
    {
        await using PiperFake fake = await PiperFake.StartAsync();
        using var http = new HttpClient();
        var tts = new PiperTextToSpeech(http, new PiperTtsOptions { BaseUrl = fake.BaseUrl, Voice = "xx_XX-nobody-low" }, 8000);
        ProviderHttpException error = await Assert.ThrowsAsync<ProviderHttpException>(() => CollectAsync(tts, "x"));
        Assert.Equal(404, error.StatusCode);
        Assert.Contains("xx_XX-nobody-low", error.ProviderMessage, StringComparison.Ordinal);
    }

    private static void AssertTone(short[] pcm, double frequency, int sampleRate)
    {
        // Skip the resampler's start-up transient (a few ms), then the tone must dominate: Goertzel power at the tone
        // against an off-tone bin, and a least-squares fit with the original amplitude.
        ReadOnlySpan<short> steady = pcm.AsSpan(sampleRate / 100);
        double on = Goertzel(steady, frequency, sampleRate);
        double off = Goertzel(steady, frequency * 1.7, sampleRate);
        Assert.True(on > 1000 * off, $"on {on:E2}, off {off:E2}");
        ToneFit fit = Signals.FitTone(steady, frequency, sampleRate);
        Assert.InRange(fit.Amplitude, 0.45 * 32767, 0.55 * 32767);
        Assert.True(fit.SnrDb > 30, $"SNR {fit.SnrDb:F1} dB");
    }

    private static double Goertzel(ReadOnlySpan<short> samples, double frequency, int sampleRate)
    {
        double coefficient = 2 * Math.Cos(2 * Math.PI * frequency / sampleRate);
        double s1 = 0, s2 = 0;
        foreach (short x in samples)
        {
            double s0 = x + (coefficient * s1) - s2;
            s2 = s1;
            s1 = s0;
        }

        return (s1 * s1) + (s2 * s2) - (coefficient * s1 * s2);
    }

    private static async Task<short[]> CollectAsync(ITextToSpeech tts, string text)
    {
        var bytes = new List<byte>();
        using var timeout = new CancellationTokenSource(Timeout);
        await foreach (ReadOnlyMemory<byte> chunk in tts.SynthesizeAsync(text, timeout.Token))
        {
            Assert.Equal(0, chunk.Length % 2);
            bytes.AddRange(chunk.ToArray());
        }

        return Pcm16.AsSamples(bytes.ToArray().AsSpan()).ToArray();
    }
}
