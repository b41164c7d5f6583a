using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.FreeSwitch.EventSocket;
using Switchboard.Sandbox;
using Switchboard.Server.Calls;
using Switchboard.Server.Telephony;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Calls;

/// <summary>
/// Calls survive the Event Socket dropping: the media stream is a separate socket, the client
/// reconnects and re-subscribes, the call's playback keeps working, and calls that parked while the
/// connection was down are found and streamed once it is back.
/// </summary>
public sealed class EventSocketResilienceTests : IClassFixture<SandboxCallTests.Server>
{
    private const int Rate = 8000;
    private readonly SandboxCallTests.Server _server;

    public EventSocketResilienceTests(SandboxCallTests.Server server) => _server = server;

    [Fact]
    public async Task A_call_in_progress_survives_an_event_socket_drop_and_its_playback_works_after_the_reconnect()
    {
        // 3 s of silence (the drop happens here), then 1 s of "voice" for the echo to repeat.
        string voice = Path.Combine(_server.DataRoot, "late-voice.wav");
        short[] samples = new short[Rate * 8];
        ToneGenerator.Fill(samples.AsSpan(Rate * 3, Rate), 500, Rate, 0.3);
        using (FileStream file = File.Create(voice))
        {
            WavFile.Write(file, samples, Rate);
        }

        using HttpClient api = _server.Api();
        SandboxCallsEndpoints.SandboxCallView call = (await (await api.PostAsJsonAsync("/api/sandbox/calls", new { destination = "8000", wavFile = voice }))
            .Content.ReadFromJsonAsync<SandboxCallsEndpoints.SandboxCallView>())!;
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        await Wait.UntilAsync(() => registry.Contains(call.Uuid));
        registry.TryGet(call.Uuid, out CallSession? session);
        var agent = (GreetingEchoAgent)session!.Agent;
        await Wait.UntilAsync(() => agent.Greeted && session.Playback.FilesQueued >= 1);
        Assert.Equal(0, agent.UtterancesEchoed);

        EventSocketClient esl = _server.Services.GetRequiredService<PbxConnection>().Client;
        long reconnects = esl.ReconnectCount;
        double reconnectMetric = await _server.MetricAsync("switchboard_esl_reconnects_total");
        Assert.True(_server.Services.GetRequiredService<SandboxPbx>().DropEventSocketConnections() >= 1);

        await Wait.UntilAsync(() => esl.ReconnectCount > reconnects && esl.State == EventSocketState.Connected);
        Assert.True(await _server.MetricAsync("switchboard_esl_reconnects_total") > reconnectMetric);
        Assert.True(registry.Contains(call.Uuid), "the call kept its session across the drop");

        // The caller speaks after the reconnect: the echo goes out through new play events on the new connection.
        int filesBefore = session.Playback.FilesQueued;
        long framesBefore = session.FramesReceived;
        await Wait.UntilAsync(() => agent.UtterancesEchoed == 1, TimeSpan.FromSeconds(20));
        await Wait.UntilAsync(() => session.Playback.FilesQueued > filesBefore);
        Assert.True(session.FramesReceived > framesBefore + 50, "caller audio kept flowing");
        await api.DeleteAsync($"/api/sandbox/calls/{call.Uuid}");
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid));
    }

    [Fact]
    public async Task A_call_that_parks_while_the_event_socket_is_down_is_streamed_after_the_reconnect()
    {
        SandboxPbx pbx = _server.Services.GetRequiredService<SandboxPbx>();
        EventSocketClient esl = _server.Services.GetRequiredService<PbxConnection>().Client;
        CallController controller = _server.Services.GetRequiredService<CallController>();
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        long resyncs = controller.Resyncs;

        // The client waits at least its minimum backoff before reconnecting; the call is answered and
        // parked by the sandbox's dialplan long before that, so its CHANNEL_PARK reaches nobody.
        pbx.DropEventSocketConnections();
        SandboxChannel channel = await pbx.PlaceInboundCallAsync(new SandboxCallRequest { DomainName = Tenancy.DemoTenant.DomainName, Destination = "8000" });

        await Wait.UntilAsync(() => controller.Resyncs > resyncs && esl.State == EventSocketState.Connected);
        await Wait.UntilAsync(() => registry.Contains(channel.Uuid));
        await channel.HangupAsync();
        await Wait.UntilAsync(() => !registry.Contains(channel.Uuid));
    }
}
