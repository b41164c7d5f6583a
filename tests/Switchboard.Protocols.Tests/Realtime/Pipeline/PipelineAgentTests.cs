using System.Buffers;
using Switchboard.Fakes.Pipeline;
using Switchboard.Protocols.Realtime;
using Switchboard.Protocols.Realtime.Pipeline;

namespace Switchboard.Protocols.Tests.Realtime.Pipeline;

public sealed class PipelineAgentTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    private static readonly ToolDefinition BookAppointment = new(
        "book_appointment", "Book a slot", """{"type":"object","properties":{"start":{"type":"string"}},"required":["start"]}""");

    [Fact]
    public async Task A_caller_turn_gets_a_tool_call_then_a_spoken_answer_at_the_call_rate()
    {
        await using DeepgramFake deepgram = await DeepgramFake.StartAsync();
        await using ChatCompletionsFake chat = await ChatCompletionsFake.StartAsync();
        await using OpenAiTtsFake tts = await OpenAiTtsFake.StartAsync();
        deepgram.EmitAfterAudio(TimeSpan.FromMilliseconds(200), DeepgramFake.Results("morgen um zehn", isFinal: true, speechFinal: true));
        chat.Enqueue(
        [
            ChatCompletionsFake.ToolCallFragment(0, "call_abc", "book_appointment", "{\"start\":"),
            ChatCompletionsFake.ToolCallFragment(0, null, null, "\"10:00\"}"),
            ChatCompletionsFake.Finish("tool_calls"),
        ]);
        chat.Enqueue([ChatCompletionsFake.Content("Gebucht. "), ChatCompletionsFake.Content("Bis morgen!"), ChatCompletionsFake.Finish("stop")]);
        using var http = new HttpClient();
        await using var agent = new PipelineAgent(
            new DeepgramOptions { ApiKey = deepgram.ApiKey, Endpoint = deepgram.Endpoint },
            new ChatCompletionsClient(http, new ChatCompletionsOptions { BaseUrl = chat.BaseUrl, ApiKey = chat.ApiKey, Model = chat.Model }),
            new OpenAiTextToSpeech(http, new OpenAiTtsOptions { BaseUrl = tts.BaseUrl, ApiKey = tts.ApiKey }, 8000));
        await agent.ConnectAsync(new VoiceAgentSettings { Instructions = "Du bist die Rezeption.", Tools = [BookAppointment] }, CancellationToken.None);

        byte[] silence = new byte[320];
        for (int i = 0; i < 15; i++)
        {
            await agent.SendAudioAsync(silence, CancellationToken.None);
        }

        ToolCallRequested call = await ReadUntilAsync<ToolCallRequested>(agent, _ => { });
        Assert.Equal(new ToolCallRequested("call_abc", "book_appointment", """{"start":"10:00"}"""), call);
        await agent.SendToolResultAsync("call_abc", """{"ok":true}""", CancellationToken.None);

        long audioBytes = 0;
        var transcripts = new List<Transcript>();
        ResponseFinished finished = await ReadUntilAsync<ResponseFinished>(agent, e =>
        {
            if (e is AgentAudio audio)
            {
                audioBytes += audio.Length;
                ArrayPool<byte>.Shared.Return(audio.Pcm);
            }
            else if (e is Transcript t)
            {
                transcripts.Add(t);
            }
        });

        Assert.Equal("completed", finished.Status);
        Assert.Equal(new Transcript(TranscriptSpeaker.Agent, "Gebucht. Bis morgen!", true), Assert.Single(transcripts));

        // Two sentences, each 500 ms of tone from the TTS fake, at 8 kHz PCM16.
        Assert.Equal(2 * 8000 * 2 / 2, audioBytes);
        Assert.Equal(["Gebucht.", "Bis morgen!"], tts.Requests.Select(r => (string?)r["input"]));

        Assert.Equal(2, chat.Requests.Count);
        var messages = chat.Requests[1]["messages"]!.AsArray();
        Assert.Equal(["system", "user", "assistant", "tool"], messages.Select(m => (string?)m!["role"]));
        Assert.Equal("morgen um zehn", (string?)messages[1]!["content"]);
        Assert.Equal("""{"ok":true}""", (string?)messages[3]!["content"]);
        Assert.Equal("book_appointment", (string?)chat.Requests[0]["tools"]![0]!["function"]!["name"]);
    }

    [Fact]
    public async Task Barge_in_cancels_the_streaming_answer()
    {
        await using DeepgramFake deepgram = await DeepgramFake.StartAsync();
        await using ChatCompletionsFake chat = await ChatCompletionsFake.StartAsync();
        await using OpenAiTtsFake tts = await OpenAiTtsFake.StartAsync();
        chat.Enqueue([ChatCompletionsFake.Content("Guten Tag. ")], stallAfterChunks: true);
        using var http = new HttpClient();
        await using var agent = new PipelineAgent(
            new DeepgramOptions { ApiKey = deepgram.ApiKey, Endpoint = deepgram.Endpoint },
            new ChatCompletionsClient(http, new ChatCompletionsOptions { BaseUrl = chat.BaseUrl, ApiKey = chat.ApiKey, Model = chat.Model }),
            new OpenAiTextToSpeech(http, new OpenAiTtsOptions { BaseUrl = tts.BaseUrl, ApiKey = tts.ApiKey }, 8000));
        await agent.ConnectAsync(new VoiceAgentSettings { Instructions = "Rezeption." }, CancellationToken.None);

        await agent.RequestResponseAsync(null, CancellationToken.None);
        AgentAudio first = await ReadUntilAsync<AgentAudio>(agent, _ => { });
        ArrayPool<byte>.Shared.Return(first.Pcm);
        await agent.InterruptAsync(TimeSpan.FromMilliseconds(300), CancellationToken.None).AsTask().WaitAsync(Timeout);

        ResponseFinished finished = await ReadUntilAsync<ResponseFinished>(agent, e =>
        {
            if (e is AgentAudio audio)
            {
                ArrayPool<byte>.Shared.Return(audio.Pcm);
            }
        });
        Assert.Equal("cancelled", finished.Status);
        await chat.ClientAborted.Task.WaitAsync(Timeout);
    }

    private static async Task<T> ReadUntilAsync<T>(PipelineAgent agent, Action<VoiceAgentEvent> other)
        where T : VoiceAgentEvent
    {
        using var timeout = new CancellationTokenSource(Timeout);
        while (true)
        {
            VoiceAgentEvent e = await agent.Events.ReadAsync(timeout.Token);
            if (e is T match)
            {
                return match;
            }

            Assert.False(e is AgentError, e.ToString());
            other(e);
        }
    }
}
