using System.Diagnostics;
using System.Runtime.Versioning;
using Switchboard.Fakes.Speech;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime.Pipeline;

namespace Switchboard.Protocols.Tests.Realtime.Local;

public sealed class EspeakTextToSpeechTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    [Theory]
    [InlineData("pt-BR", "pt-br", "Para falar com o Financeiro, disque um. Para o Suporte Técnico, disque dois.")]
    [InlineData("en-US", "en-us", "To reach the finance team, press one. For technical support, press two.")]
    [InlineData("es", "es", "Para hablar con el departamento financiero, marque uno. Para soporte técnico, marque dos.")]
    public async Task Speaks_audible_speech_at_8_kHz_with_a_plausible_duration(string language, string voice, string text)
    {
        var speech = new EspeakTextToSpeech(new EspeakTtsOptions(), language, 8000);
        Assert.Equal(voice, speech.Voice);

        short[] samples = await SynthesizeAsync(speech, text);

        // ~14 words: at eSpeak's 175 words per minute that is about 5 s; allow a wide margin.
        double seconds = samples.Length / 8000.0;
        Assert.InRange(seconds, 2.5, 12);
        var levels = Frames(samples).Select(f => EnergyVad.LevelDbfs(f)).ToList();
        double loudFraction = levels.Count(l => l > -35) / (double)levels.Count;
        Assert.InRange(loudFraction, 0.4, 1.0); // mostly voiced, not a click or silence
        Assert.True(levels.Max() > -20, $"peak frame level {levels.Max():0.0} dBFS");
        Assert.True(levels.Count(l => l < -50) >= 5, "speech has pauses between words and phrases");

        // Speech, not a tone: the zero-crossing rate varies from frame to frame (vowels low, fricatives high).
        var crossings = Frames(samples).Where(f => EnergyVad.LevelDbfs(f) > -35).Select(ZeroCrossings).ToList();
        Assert.True(crossings.Max() - crossings.Min() > 20, $"zero crossings per frame {crossings.Min()}..{crossings.Max()}");
    }

    [Fact]
    public async Task Converts_to_each_call_rate_with_the_same_duration()
    {
        const string Text = "Transferindo para o Financeiro.";
        var at8 = await SynthesizeAsync(new EspeakTextToSpeech(new EspeakTtsOptions(), "pt-BR", 8000), Text);
        var at16 = await SynthesizeAsync(new EspeakTextToSpeech(new EspeakTtsOptions(), "pt-BR", 16000), Text);
        var at48 = await SynthesizeAsync(new EspeakTextToSpeech(new EspeakTtsOptions(), "pt-BR", 48000), Text);
        Assert.InRange(at16.Length / 16000.0, (at8.Length / 8000.0) - 0.01, (at8.Length / 8000.0) + 0.01);
        Assert.InRange(at48.Length / 48000.0, (at8.Length / 8000.0) - 0.01, (at8.Length / 8000.0) + 0.01);
    }

    [Fact]
    public async Task A_repeated_phrase_comes_from_the_cache_without_a_new_process()
    {
        var speech = new EspeakTextToSpeech(new EspeakTtsOptions(), "pt-BR", 8000);
        short[] first = await SynthesizeAsync(speech, "Um momento.");
        Assert.Equal(1, speech.ProcessesStarted);

        short[] second = await SynthesizeAsync(speech, "Um momento.");

        Assert.Equal(1, speech.ProcessesStarted);
        Assert.Equal(first, second);
        Assert.Equal(first.Length * 2, speech.CachedBytes);

        await SynthesizeAsync(speech, "Até logo.");
        Assert.Equal(2, speech.ProcessesStarted);
    }

    [Fact]
    public async Task The_cache_forgets_the_least_recently_used_phrase_beyond_its_byte_bound()
    {
        var probe = new EspeakTextToSpeech(new EspeakTtsOptions(), "pt-BR", 8000);
        long a = (await SynthesizeAsync(probe, "Primeira frase.")).Length * 2L;
        long b = (await SynthesizeAsync(probe, "Segunda frase.")).Length * 2L;
        long c = (await SynthesizeAsync(probe, "Terceira frase.")).Length * 2L;

        // Room for two of the three phrases.
        var speech = new EspeakTextToSpeech(new EspeakTtsOptions { CacheBytes = a + b + c - Math.Min(a, Math.Min(b, c)) }, "pt-BR", 8000);
        await SynthesizeAsync(speech, "Primeira frase.");
        await SynthesizeAsync(speech, "Segunda frase.");
        await SynthesizeAsync(speech, "Primeira frase."); // now the most recently used
        Assert.Equal(2, speech.ProcessesStarted);

        await SynthesizeAsync(speech, "Terceira frase."); // evicts "Segunda"
        Assert.Equal(3, speech.ProcessesStarted);
        Assert.True(speech.CachedBytes <= a + b + c - Math.Min(a, Math.Min(b, c)));
        await SynthesizeAsync(speech, "Primeira frase.");
        Assert.Equal(3, speech.ProcessesStarted);
        await SynthesizeAsync(speech, "Segunda frase.");
        Assert.Equal(4, speech.ProcessesStarted);
    }

    [Fact]
    public async Task The_voice_can_be_chosen_and_the_speed_changes_the_duration()
    {
        const string Text = "Obrigado pela ligação, até logo, tenha um bom dia.";
        var slow = new EspeakTextToSpeech(new EspeakTtsOptions { WordsPerMinute = 120 }, "pt-BR", 8000);
        var fast = new EspeakTextToSpeech(new EspeakTtsOptions { WordsPerMinute = 300 }, "pt-BR", 8000);
        var english = new EspeakTextToSpeech(new EspeakTtsOptions { Voice = "en-us" }, "pt-BR", 8000);

        double slowSeconds = (await SynthesizeAsync(slow, Text)).Length / 8000.0;
        double fastSeconds = (await SynthesizeAsync(fast, Text)).Length / 8000.0;

        Assert.True(fastSeconds < slowSeconds * 0.7, $"{fastSeconds:0.00} s at 300 wpm, {slowSeconds:0.00} s at 120 wpm");
        Assert.Equal("en-us", english.Voice);
        Assert.True((await SynthesizeAsync(english, Text)).Length > 8000);
        Assert.Throws<ArgumentOutOfRangeException>(() => new EspeakTextToSpeech(new EspeakTtsOptions { WordsPerMinute = 20 }, "pt-BR", 8000));
        Assert.Throws<ArgumentOutOfRangeException>(() => new EspeakTextToSpeech(new EspeakTtsOptions(), "pt-BR", 22050));
    }

    [Fact]
    public async Task Spoken_audio_for_tests_is_an_8_kHz_wav_with_silence_around_the_speech()
    {
        string directory = Path.Combine(Path.GetTempPath(), "spoken-" + Guid.NewGuid().ToString("N"));
        try
        {
            string path = await SpokenAudio.WriteWavAsync("Bom dia, meu nome é Maria.", "pt-BR", 8000, directory, CancellationToken.None);

            WavAudio wav;
            await using (FileStream file = File.OpenRead(path))
            {
                wav = WavFile.Read(file);
            }

            Assert.Equal(8000, wav.SampleRate);
            Assert.Equal(1, wav.Channels);
            Assert.Equal(double.NegativeInfinity, EnergyVad.LevelDbfs(wav.Samples.AsSpan(0, 2400)));
            Assert.Equal(double.NegativeInfinity, EnergyVad.LevelDbfs(wav.Samples.AsSpan(wav.Samples.Length - 2400)));
            Assert.True(EnergyVad.LevelDbfs(wav.Samples.AsSpan(2400, wav.Samples.Length - 4800)) > -35);
            Assert.Equal(wav.Samples, await SpokenAudio.PcmAsync("Bom dia, meu nome é Maria.", "pt-BR", 8000, CancellationToken.None));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task A_missing_program_throws_a_clear_not_found_exception()
    {
        string missing = Path.Combine(Path.GetTempPath(), "no-such-dir-" + Guid.NewGuid().ToString("N"), "espeak-ng");
        var speech = new EspeakTextToSpeech(new EspeakTtsOptions { ExecutablePath = missing }, "pt-BR", 8000);

        var error = await Assert.ThrowsAsync<EspeakNotFoundException>(() => SynthesizeAsync(speech, "Olá."));

        Assert.Equal(missing, error.ExecutablePath);
        Assert.Contains(missing, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Text_that_looks_like_an_option_is_spoken_not_interpreted()
    {
        var speech = new EspeakTextToSpeech(new EspeakTtsOptions(), "en-US", 8000);
        short[] samples = await SynthesizeAsync(speech, "--version -w /tmp/x.wav");
        Assert.True(samples.Length / 8000.0 > 1, "the words were spoken");
    }

    [Fact]
    [SupportedOSPlatform("linux")]
    public async Task Cancellation_kills_the_process()
    {
        string directory = Path.Combine(Path.GetTempPath(), "espeak-cancel-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(directory);
        try
        {
            string fifo = Path.Combine(directory, "pid");
            await RunAsync("mkfifo", fifo);
            string script = Path.Combine(directory, "slow-espeak");
            await File.WriteAllTextAsync(script, $"#!/bin/sh\ncat > /dev/null\necho $$ > '{fifo}'\nexec sleep 60\n");
            File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            var speech = new EspeakTextToSpeech(new EspeakTtsOptions { ExecutablePath = script }, "pt-BR", 8000);
            using var cancel = new CancellationTokenSource();

            Task synthesis = SynthesizeAsync(speech, "Olá.", cancel.Token);
            int pid = int.Parse((await File.ReadAllTextAsync(fifo).WaitAsync(Timeout)).Trim(), System.Globalization.CultureInfo.InvariantCulture);
            using Process sleeping = Process.GetProcessById(pid);
            await cancel.CancelAsync();

            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => synthesis.WaitAsync(Timeout));
            await sleeping.WaitForExitAsync().WaitAsync(Timeout);
            Assert.True(sleeping.HasExited);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<short[]> SynthesizeAsync(EspeakTextToSpeech speech, string text, CancellationToken cancellationToken = default)
    {
        var samples = new List<short>();
        await foreach (ReadOnlyMemory<byte> chunk in speech.SynthesizeAsync(text, cancellationToken))
        {
            samples.AddRange(Pcm16.AsSamples(chunk.Span));
        }

        return [.. samples];
    }

    private static IEnumerable<short[]> Frames(short[] samples)
    {
        for (int i = 0; i + 160 <= samples.Length; i += 160)
        {
            yield return samples[i..(i + 160)];
        }
    }

    private static int ZeroCrossings(short[] frame)
    {
        int count = 0;
        for (int i = 1; i < frame.Length; i++)
        {
            if ((frame[i - 1] < 0) != (frame[i] < 0))
            {
                count++;
            }
        }

        return count;
    }

    private static async Task RunAsync(string program, string argument)
    {
        using var process = Process.Start(new ProcessStartInfo(program) { ArgumentList = { argument } })!;
        await process.WaitForExitAsync().WaitAsync(Timeout);
        Assert.Equal(0, process.ExitCode);
    }
}
