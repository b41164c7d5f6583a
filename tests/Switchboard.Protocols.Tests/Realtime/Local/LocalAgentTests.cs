using System.Text.Json;
using Microsoft.Extensions.Logging;
using Switchboard.Fakes.Speech;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime;
using Switchboard.Protocols.Realtime.Local;
using Switchboard.Protocols.Realtime.Pipeline;

namespace Switchboard.Protocols.Tests.Realtime.Local;

public sealed class LocalAgentTests
{
    [Theory]
    [InlineData("pt-BR", "disque")]
    [InlineData("en-US", "press")]
    [InlineData("es", "marque")]
    public async Task Greets_and_reads_each_destination_with_its_key_in_the_callers_language(string language, string keyWord)
    {
        var speech = new EspeakTextToSpeech(new EspeakTtsOptions(), language, 8000);
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(speech, LocalAgentRun.Script(language));

        ResponseFinished finished = await run.NextAsync<ResponseFinished>();

        Assert.Equal("completed", finished.Status);
        List<string> lines = run.AgentLines(finished);
        Assert.Contains("Empresa Exemplo", lines[0], StringComparison.Ordinal);
        foreach ((string name, char key) in new[] { ("Financeiro", '1'), ("Suporte Técnico", '2'), ("Comercial", '3'), ("", '9') })
        {
            Assert.Contains(lines, l => l.Contains(name, StringComparison.Ordinal) && l.Contains(key) && l.Contains(keyWord, StringComparison.Ordinal));
        }

        // Five phrases of real speech, in chunks of at most 200 ms, all of this one response.
        Assert.Equal(5, lines.Count);
        Assert.InRange(run.AudioSamples / 8000.0, 5, 30);
        Assert.InRange(run.LargestChunk, 1, 8000 / 5 * 2);
        Assert.Equal(finished.ResponseId, Assert.Single(run.SamplesByResponse).Key);
        Assert.Equal("local", run.Agent.Provider);
    }

    [Fact]
    public async Task Key_1_announces_the_transfer_and_asks_for_transfer_call_to_that_destination()
    {
        var speech = new EspeakTextToSpeech(new EspeakTtsOptions(), "pt-BR", 8000);
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(speech);
        await run.NextAsync<ResponseFinished>();

        await run.Agent.SendDtmfAsync('1', CancellationToken.None);

        Assert.Equal("[DTMF 1]", (await run.NextAsync<Transcript>()).Text);
        Transcript announced = await run.NextAsync<Transcript>();
        Assert.Equal(new Transcript(TranscriptSpeaker.Agent, "Transferindo para Financeiro.", true), announced);
        ToolCallRequested call = await run.NextAsync<ToolCallRequested>();
        Assert.Equal("transfer_call", call.Name);
        Assert.Equal("""{"destination":"Financeiro","reason":"menu"}""", call.ArgumentsJson);

        // Bridged: nothing more is said.
        long before = run.AudioSamples;
        await run.Agent.SendToolResultAsync(call.CallId, """{"ok":true}""", CancellationToken.None);
        await run.Agent.SendTextAsync("alô?", CancellationToken.None);
        Assert.Equal("alô?", (await run.NextAsync<Transcript>(t => t.Speaker == TranscriptSpeaker.Caller)).Text);
        Assert.Equal(before, run.AudioSamples);
        Assert.DoesNotContain(run.Seen, e => e is ToolCallRequested { Name: not "transfer_call" });
    }

    [Fact]
    public async Task A_busy_transfer_takes_a_spoken_message_then_confirms_the_ticket_and_ends_the_call()
    {
        var speech = new EspeakTextToSpeech(new EspeakTtsOptions(), "pt-BR", 8000);
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(speech);
        await run.NextAsync<ResponseFinished>();
        await run.Agent.SendDtmfAsync('1', CancellationToken.None);
        ToolCallRequested transfer = await run.NextAsync<ToolCallRequested>();

        await run.Agent.SendToolResultAsync(transfer.CallId, """{"ok":false,"status":"busy"}""", CancellationToken.None);

        ResponseFinished prompt = await run.NextAsync<ResponseFinished>();
        Assert.Equal(["Financeiro está ocupado no momento.", "Deixe seu recado após o sinal; ao terminar, pressione # ou aguarde."], run.AgentLines(prompt));

        // The caller hears everything sent so far (the agent does not pace), then speaks, then stays silent.
        short[] message = await SpokenAudio.PcmAsync("Aqui é a Maria, por favor me liguem de volta amanhã.", "pt-BR", 8000, CancellationToken.None);
        await run.SendSilenceAsync(run.AudioSamples + 160);
        await run.SendAudioAsync(message);
        await run.SendSilenceAsync(8000 * 4);

        Assert.True((await run.NextAsync<CallerSpeech>()).Started);
        Assert.False((await run.NextAsync<CallerSpeech>()).Started);
        ToolCallRequested take = await run.NextAsync<ToolCallRequested>();
        Assert.Equal("take_message", take.Name);
        using (var arguments = JsonDocument.Parse(take.ArgumentsJson))
        {
            JsonElement root = arguments.RootElement;
            Assert.Equal("", root.GetProperty("message").GetString());
            Assert.Equal("Financeiro", root.GetProperty("destination").GetString());
            Assert.Equal("busy", root.GetProperty("reason").GetString());

            // The message (less its trailing pause), then the 3 s of silence that ended it.
            double spoken = message.Length / 8000.0;
            Assert.InRange(root.GetProperty("audio_seconds").GetDouble(), spoken + 1.5, spoken + 3.2);
        }

        Assert.Contains("Um momento.", run.Transcripts(TranscriptSpeaker.Agent));
        await run.Agent.SendToolResultAsync(take.CallId, """{"ok":true,"ticket_number":12}""", CancellationToken.None);

        ToolCallRequested end = await run.NextAsync<ToolCallRequested>();
        Assert.Equal("end_call", end.Name);
        Assert.Equal("""{"reason":"message_taken"}""", end.ArgumentsJson);
        List<string> said = run.Transcripts(TranscriptSpeaker.Agent);
        Assert.Contains(said, l => l.Contains("12", StringComparison.Ordinal) && l.Contains("recado", StringComparison.Ordinal));
        Assert.Equal("Obrigado pela ligação. Até logo.", said[^1]);
    }

    [Fact]
    public async Task A_failed_transfer_says_the_servers_text_and_a_typed_message_is_the_message()
    {
        var speech = new ToneSpeech();
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(speech);
        await run.NextAsync<ResponseFinished>();
        await run.Agent.SendDtmfAsync('3', CancellationToken.None);
        ToolCallRequested transfer = await run.NextAsync<ToolCallRequested>();
        Assert.Equal("""{"destination":"Comercial","reason":"menu"}""", transfer.ArgumentsJson);

        await run.Agent.SendToolResultAsync(transfer.CallId, """{"ok":false,"status":"no_answer","say":"O Comercial está em reunião."}""", CancellationToken.None);
        ResponseFinished prompt = await run.NextAsync<ResponseFinished>();
        Assert.Equal("O Comercial está em reunião.", run.AgentLines(prompt)[0]);

        await run.Agent.SendTextAsync("Preciso de um orçamento para 20 licenças.", CancellationToken.None);
        ToolCallRequested take = await run.NextAsync<ToolCallRequested>();
        Assert.Equal(
            """{"message":"Preciso de um orçamento para 20 licenças.","audio_seconds":0,"destination":"Comercial","reason":"no_answer"}""",
            take.ArgumentsJson);

        await run.Agent.SendToolResultAsync(take.CallId, """{"ok":false}""", CancellationToken.None);
        ToolCallRequested end = await run.NextAsync<ToolCallRequested>();
        Assert.Equal("""{"reason":"message_failed"}""", end.ArgumentsJson);
        Assert.Contains("Desculpe, não foi possível registrar seu recado.", run.Transcripts(TranscriptSpeaker.Agent));
    }

    [Fact]
    public async Task A_ticket_opened_by_the_destinations_fallback_is_confirmed_and_no_second_message_is_taken()
    {
        var speech = new ToneSpeech();
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(speech);
        await run.NextAsync<ResponseFinished>();
        await run.Agent.SendDtmfAsync('3', CancellationToken.None);
        ToolCallRequested transfer = await run.NextAsync<ToolCallRequested>();

        await run.Agent.SendToolResultAsync(
            transfer.CallId, """{"ok":false,"status":"busy","say":"O Comercial está ocupado. Registrei o protocolo número 42.","fallback":"create_ticket","ticket_number":42}""", CancellationToken.None);
        ToolCallRequested end = await run.NextAsync<ToolCallRequested>();

        Assert.Equal(("end_call", """{"reason":"ticket_created"}"""), (end.Name, end.ArgumentsJson));
        Assert.Contains("O Comercial está ocupado. Registrei o protocolo número 42.", run.Transcripts(TranscriptSpeaker.Agent));
        Assert.DoesNotContain(run.Transcripts(TranscriptSpeaker.Agent), line => line.Contains("sinal", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_return_agent_fallback_says_the_status_and_reads_the_menu_again()
    {
        var speech = new ToneSpeech();
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(speech);
        await run.NextAsync<ResponseFinished>();
        await run.Agent.SendDtmfAsync('3', CancellationToken.None);
        ToolCallRequested first = await run.NextAsync<ToolCallRequested>();

        await run.Agent.SendToolResultAsync(first.CallId, """{"ok":false,"status":"no_answer","say":"O Comercial não atendeu.","fallback":"return_agent"}""", CancellationToken.None);
        ResponseFinished menu = await run.NextAsync<ResponseFinished>();
        IReadOnlyList<string> lines = run.AgentLines(menu);
        Assert.Equal("O Comercial não atendeu.", lines[0]);
        Assert.Contains(lines, line => line.Contains("disque 1", StringComparison.OrdinalIgnoreCase));

        // The caller picks again from the menu.
        await run.Agent.SendDtmfAsync('1', CancellationToken.None);
        ToolCallRequested second = await run.NextAsync<ToolCallRequested>();
        Assert.Equal("transfer_call", second.Name);
        Assert.NotEqual(first.ArgumentsJson, second.ArgumentsJson);
    }

    [Theory]
    [InlineData("quero falar com o financeiro", "Financeiro")]
    [InlineData("tecnico", "Suporte Técnico")]
    [InlineData("SUPORTE TECNICO POR FAVOR", "Suporte Técnico")]
    [InlineData("minha internet caiu", "Suporte Técnico")]
    [InlineData("segunda via do boleto", "Financeiro")]
    [InlineData("finanças", "Financeiro")]
    [InlineData("2", "Suporte Técnico")]
    public async Task Typed_text_selects_the_destination_by_keyword(string typed, string destination)
    {
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(new ToneSpeech());
        await run.NextAsync<ResponseFinished>();

        await run.Agent.SendTextAsync(typed, CancellationToken.None);

        Assert.Equal(new Transcript(TranscriptSpeaker.Caller, typed, true), await run.NextAsync<Transcript>());
        ToolCallRequested call = await run.NextAsync<ToolCallRequested>();
        Assert.Equal("transfer_call", call.Name);
        Assert.Equal(destination, JsonDocument.Parse(call.ArgumentsJson).RootElement.GetProperty("destination").GetString());
    }

    [Theory]
    [InlineData("quero deixar um recado para o financeiro", "Financeiro")]
    [InlineData("I'd like to leave a message", null)]
    [InlineData("9", null)]
    public async Task Asking_for_a_message_goes_to_the_message_flow(string typed, string? destination)
    {
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(new ToneSpeech());
        await run.NextAsync<ResponseFinished>();

        await run.Agent.SendTextAsync(typed, CancellationToken.None);
        ResponseFinished prompt = await run.NextAsync<ResponseFinished>();
        Assert.Equal(["Deixe seu recado após o sinal; ao terminar, pressione # ou aguarde."], run.AgentLines(prompt));
        await run.Agent.SendDtmfAsync('#', CancellationToken.None);

        ToolCallRequested take = await run.NextAsync<ToolCallRequested>();
        JsonElement arguments = JsonDocument.Parse(take.ArgumentsJson).RootElement;
        Assert.Equal(destination, arguments.GetProperty("destination").GetString());
        Assert.Equal("caller_choice", arguments.GetProperty("reason").GetString());
    }

    [Fact]
    public async Task An_unknown_key_is_not_understood_and_the_menu_is_read_again_then_the_message_is_offered()
    {
        var speech = new ToneSpeech();
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(speech);
        await run.NextAsync<ResponseFinished>();

        await run.Agent.SendDtmfAsync('7', CancellationToken.None);
        List<string> first = run.AgentLines(await run.NextAsync<ResponseFinished>());
        Assert.Equal("Desculpe, não entendi.", first[0]);
        Assert.Equal(["Para Financeiro, disque 1.", "Para Suporte Técnico, disque 2.", "Para Comercial, disque 3.", "Para deixar um recado, disque 9."], first[1..]);

        await run.Agent.SendTextAsync("pizza", CancellationToken.None);
        Assert.Equal(5, run.AgentLines(await run.NextAsync<ResponseFinished>()).Count);

        await run.Agent.SendDtmfAsync('*', CancellationToken.None);
        Assert.Equal(["Desculpe, não entendi."], run.AgentLines(await run.NextAsync<ResponseFinished>()));
        Assert.Equal(
            ["Deixe seu recado após o sinal; ao terminar, pressione # ou aguarde."], run.AgentLines(await run.NextAsync<ResponseFinished>()));
        await run.Agent.SendDtmfAsync('#', CancellationToken.None);
        ToolCallRequested take = await run.NextAsync<ToolCallRequested>();
        Assert.Equal("not_understood", JsonDocument.Parse(take.ArgumentsJson).RootElement.GetProperty("reason").GetString());
        Assert.Equal(["[DTMF 7]", "pizza", "[DTMF *]", "[DTMF #]"], run.Transcripts(TranscriptSpeaker.Caller));

        // The transcript shows the key; the synthesiser is given its name, which eSpeak says (it skips "#" in Portuguese).
        Assert.Contains(speech.Spoken, s => s.StartsWith("Deixe seu recado", StringComparison.Ordinal) && s.Contains("jogo da velha", StringComparison.Ordinal) && !s.Contains('#'));
    }

    [Fact]
    public async Task Without_input_the_menu_is_read_once_more_then_the_message_is_offered()
    {
        var options = new LocalAgentOptions { IdleTimeout = TimeSpan.FromSeconds(8) };
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(new ToneSpeech(), options: options);
        ResponseFinished greeting = await run.NextAsync<ResponseFinished>();
        TimeSpan greetingLength = TimeSpan.FromSeconds(run.AudioSamples / 8000.0);
        await run.Time.TimerCreatedAsync();

        // The idle time counts from when the caller has heard the menu.
        run.Time.Advance(greetingLength + options.IdleTimeout - TimeSpan.FromMilliseconds(100));
        run.Time.Advance(TimeSpan.FromMilliseconds(200));
        List<string> repeated = run.AgentLines(await run.NextAsync<ResponseFinished>());
        Assert.Equal(4, repeated.Count);
        Assert.Equal(run.AgentLines(greeting)[1..], repeated);

        await run.Time.TimerCreatedAsync();
        run.Time.Advance(TimeSpan.FromMinutes(1));
        ResponseFinished prompt = await run.NextAsync<ResponseFinished>();
        Assert.Equal(["Deixe seu recado após o sinal; ao terminar, pressione # ou aguarde."], run.AgentLines(prompt));

        // The message ends at its time limit even when no audio flows.
        await run.Time.TimerCreatedAsync();
        run.Time.Advance(TimeSpan.FromMinutes(2));
        ToolCallRequested take = await run.NextAsync<ToolCallRequested>();
        Assert.Equal("""{"message":"","audio_seconds":0,"destination":null,"reason":"no_input"}""", take.ArgumentsJson);
    }

    [Fact]
    public async Task The_idle_timer_does_not_fire_before_the_caller_has_heard_the_menu()
    {
        var options = new LocalAgentOptions { IdleTimeout = TimeSpan.FromSeconds(5) };
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(new ToneSpeech(), options: options);
        await run.NextAsync<ResponseFinished>();
        TimeSpan greetingLength = TimeSpan.FromSeconds(run.AudioSamples / 8000.0);
        await run.Time.TimerCreatedAsync();

        run.Time.Advance(greetingLength + options.IdleTimeout - TimeSpan.FromMilliseconds(100));
        await run.Agent.SendDtmfAsync('2', CancellationToken.None);

        ToolCallRequested call = await run.NextAsync<ToolCallRequested>();
        Assert.Equal("""{"destination":"Suporte Técnico","reason":"menu"}""", call.ArgumentsJson);
        Assert.Equal(2, run.Seen.Count(e => e is ResponseFinished)); // the greeting and "Transferindo", no repeated menu
    }

    [Fact]
    public async Task Interrupting_stops_the_phrase_in_progress_and_the_call_goes_on()
    {
        var speech = new ToneSpeech { HoldOn = "Para Financeiro" };
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(speech);
        await run.NextAsync<Transcript>(); // the greeting was spoken
        AgentAudio first = await run.NextAsync<AgentAudio>(); // the first chunk of "Para Financeiro, disque 1."

        long heldSamples = run.SamplesByResponse[first.ResponseId!];

        await run.Agent.InterruptAsync(TimeSpan.FromMilliseconds(100), CancellationToken.None).AsTask().WaitAsync(LocalAgentRun.Timeout);

        await speech.Cancelled.Task.WaitAsync(LocalAgentRun.Timeout);
        ResponseFinished finished = await run.NextAsync<ResponseFinished>();
        Assert.Equal("cancelled", finished.Status);
        Assert.Equal(first.ResponseId, finished.ResponseId);
        Assert.Equal(["Olá, você ligou para Empresa Exemplo."], run.AgentLines(finished)); // the rest of the menu was not spoken

        await run.Agent.SendDtmfAsync('1', CancellationToken.None);
        Assert.Equal("transfer_call", (await run.NextAsync<ToolCallRequested>()).Name);
        Assert.Equal(heldSamples, run.SamplesByResponse[first.ResponseId!]);
        Assert.Equal(["Olá, você ligou para Empresa Exemplo.", "Para Financeiro, disque 1.", "Transferindo para Financeiro."], speech.Spoken);
    }

    [Fact]
    public async Task The_vad_ignores_a_100_ms_click_but_reports_400_ms_of_speech()
    {
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(new ToneSpeech(), greet: false);
        short[] click = new short[800];
        ToneGenerator.Fill(click, 300, 8000, 0.3);
        short[] speech = new short[3200];
        ToneGenerator.Fill(speech, 300, 8000, 0.3);

        await run.SendAudioAsync(click);
        await run.SendSilenceAsync(8000);
        Assert.False(run.Agent.Events.TryRead(out VoiceAgentEvent? early), $"no event for a click, got {early}");

        await run.SendAudioAsync(speech);
        Assert.True((await run.NextAsync<CallerSpeech>()).Started);
        await run.SendSilenceAsync(8000);
        Assert.False((await run.NextAsync<CallerSpeech>()).Started);
        Assert.Equal(2, run.Seen.Count);
    }

    [Fact]
    public async Task Caller_frames_allocate_nothing_while_a_message_is_recorded()
    {
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(new ToneSpeech());
        await run.NextAsync<ResponseFinished>();
        await run.Agent.SendDtmfAsync('9', CancellationToken.None);
        await run.NextAsync<ResponseFinished>(); // the prompt and the beep
        await run.SendSilenceAsync(run.AudioSamples + 160);
        short[] tone = new short[160];
        ToneGenerator.Fill(tone, 300, 8000, 0.3);
        byte[] loud = Pcm16.AsBytes(tone.AsSpan()).ToArray();
        byte[] quiet = new byte[320];
        for (int i = 0; i < 50; i++)
        {
            await run.Agent.SendAudioAsync(loud, CancellationToken.None); // speech starts: one event
        }

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 1000; i++)
        {
            await run.Agent.SendAudioAsync(i % 10 == 9 ? quiet : loud, CancellationToken.None);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal(0, allocated);
        Assert.True((await run.NextAsync<CallerSpeech>()).Started);
        await run.Agent.SendDtmfAsync('#', CancellationToken.None);
        ToolCallRequested take = await run.NextAsync<ToolCallRequested>();
        Assert.InRange(JsonDocument.Parse(take.ArgumentsJson).RootElement.GetProperty("audio_seconds").GetDouble(), 20.9, 21.1);
    }

    [Fact]
    public async Task When_speech_synthesis_is_missing_each_phrase_is_a_tone_with_its_transcript()
    {
        var speech = new EspeakTextToSpeech(new EspeakTtsOptions { ExecutablePath = "/nonexistent/espeak-ng" }, "pt-BR", 8000);
        var logger = new ListLogger();
        await using LocalAgentRun run = await LocalAgentRun.StartAsync(speech, logger: logger);
        run.KeepAudio = true;

        ResponseFinished finished = await run.NextAsync<ResponseFinished>();

        Assert.Equal("completed", finished.Status);
        List<string> lines = run.AgentLines(finished);
        Assert.Equal(5, lines.Count);
        Assert.Contains("Para Financeiro, disque 1.", lines);

        // Audio for every phrase: tones, each a short steady sound between the transcripts.
        int audioBetween = 0;
        foreach (VoiceAgentEvent e in run.Seen)
        {
            if (e is AgentAudio)
            {
                audioBetween++;
            }
            else if (e is Transcript)
            {
                Assert.True(audioBetween > 0, "a phrase without sound");
                audioBetween = 0;
            }
        }

        double seconds = run.Audio.Count / 8000.0;
        Assert.InRange(seconds / lines.Count, 0.1, 1.0);
        int crossings = 0;
        for (int i = 1; i < run.Audio.Count; i++)
        {
            crossings += (run.Audio[i - 1] < 0) != (run.Audio[i] < 0) ? 1 : 0;
        }

        Assert.InRange(crossings / 2.0 / seconds, 300, 1000); // a tone in the voice band, not noise
        Assert.True(EnergyVad.LevelDbfs(run.Audio.ToArray()) > -30);

        await run.Agent.SendDtmfAsync('1', CancellationToken.None);
        Assert.Equal("transfer_call", (await run.NextAsync<ToolCallRequested>()).Name);
        Assert.Equal(0, speech.ProcessesStarted); // no process ever ran
        (LogLevel level, EventId id, Exception? error) = Assert.Single(logger.Entries); // logged once for the whole call
        Assert.Equal(LogLevel.Warning, level);
        Assert.Equal(1500, id.Id);
        Assert.IsType<EspeakNotFoundException>(error);
    }

    [Fact]
    public async Task Connect_rejects_a_menu_whose_keys_clash_or_a_rate_the_speech_does_not_produce()
    {
        LocalAgentScript clash = LocalAgentRun.Script() with { Menu = [new LocalMenuEntry('1', "A"), new LocalMenuEntry('1', "B")] };
        LocalAgentScript messageKey = LocalAgentRun.Script() with { Menu = [new LocalMenuEntry('9', "A")] };
        LocalAgentScript unknownLanguage = LocalAgentRun.Script() with { Language = "fr-FR" };
        var time = new WatchedTimeProvider();

        foreach (LocalAgentScript script in new[] { clash, messageKey, unknownLanguage })
        {
            await using var agent = new LocalAgent(script, new ToneSpeech(), time);
            await Assert.ThrowsAsync<VoiceAgentException>(() =>
                agent.ConnectAsync(new VoiceAgentSettings { Instructions = "" }, CancellationToken.None));
        }

        await using var wrongRate = new LocalAgent(LocalAgentRun.Script(), new ToneSpeech(16000), time);
        await Assert.ThrowsAsync<VoiceAgentException>(() =>
            wrongRate.ConnectAsync(new VoiceAgentSettings { Instructions = "", CallSampleRate = 8000 }, CancellationToken.None));
    }

    [Fact]
    public async Task Dispose_completes_the_events()
    {
        LocalAgentRun run = await LocalAgentRun.StartAsync(new ToneSpeech());
        await run.NextAsync<ResponseFinished>();

        await run.DisposeAsync();

        Assert.True(run.Agent.Events.Completion.IsCompleted);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => run.Agent.SendDtmfAsync('1', CancellationToken.None).AsTask());
    }
}

/// <summary>Keeps every log entry of the agent.</summary>
internal sealed class ListLogger : ILogger<LocalAgent>
{
    private readonly Lock _lock = new();
    private readonly List<(LogLevel, EventId, Exception?)> _entries = [];

    public IReadOnlyList<(LogLevel Level, EventId Id, Exception? Error)> Entries
    {
        get
        {
            lock (_lock)
            {
                return [.. _entries.Where(e => e.Item1 >= LogLevel.Information)];
            }
        }
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        lock (_lock)
        {
            _entries.Add((logLevel, eventId, exception));
        }
    }
}
