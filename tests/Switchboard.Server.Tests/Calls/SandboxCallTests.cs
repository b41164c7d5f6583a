using System.Net;
using System.Net.Http.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Protocols.Audio;
using Switchboard.Sandbox;
using Switchboard.Server.Calls;
using Switchboard.Server.Telephony;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Calls;

/// <summary>
/// The product end to end with its embedded defaults: a call placed in the built-in PBX sandbox
/// reaches the secretary's extension, the sandbox (as mod_audio_stream) streams it to <c>/stream</c>
/// over a real socket, the caller hears the greeting through the ESL playback path, and hanging up
/// ends the session.
/// </summary>
public sealed class SandboxCallTests : IClassFixture<SandboxCallTests.Server>
{
    private const string ApiKey = "test-operator-key-0123456789";
    private readonly Server _server;

    public SandboxCallTests(Server server) => _server = server;

    public class Server : KestrelSwitchboardServerFactory
    {
        /// <summary>
        /// A server whose demo secretary (local provider) runs the media echo test (<c>Calls:EchoTest</c>), which the
        /// media path tests listen to; <see cref="LocalAgentServer"/> gives the offline local agent.
        /// </summary>
        public Server()
            : this(echoTest: true)
        {
        }

        protected Server(bool echoTest)
        {
            UseSetting("Security:AdminApiKey", ApiKey);
            UseSetting("Calls:EchoTest", echoTest ? "true" : "false");
        }

        public HttpClient Api()
        {
            HttpClient http = CreateClient();
            http.DefaultRequestHeaders.Add("X-Api-Key", ApiKey);
            return http;
        }

        public async Task<double> MetricAsync(string name, params (string, string)[] labels)
        {
            using HttpClient http = CreateClient();
            PrometheusExposition exposition = PrometheusTextParser.Parse(await http.GetStringAsync("/metrics"));
            return exposition.Samples.Any(s => s.Name == name && s.HasLabels(labels)) ? exposition.Value(name, labels) : 0;
        }
    }

    /// <summary>The server as shipped: the demo secretary answers with the offline local agent.</summary>
    public sealed class LocalAgentServer : Server
    {
        public LocalAgentServer()
            : base(echoTest: false)
        {
        }
    }

    [Fact]
    public async Task The_sandbox_call_api_needs_the_operator_key()
    {
        using HttpClient anonymous = _server.CreateClient();
        HttpResponseMessage response = await anonymous.PostAsJsonAsync("/api/sandbox/calls", new { destination = "8000" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        anonymous.DefaultRequestHeaders.Add("X-Api-Key", "wrong");
        response = await anonymous.PostAsJsonAsync("/api/sandbox/calls", new { destination = "8000" });
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task A_call_its_dialplan_does_not_record_is_recorded_by_switchboard_and_stored_after_hangup()
    {
        SandboxPbx pbx = _server.Services.GetRequiredService<SandboxPbx>();
        pbx.SecretaryDialplanRecords = false;
        try
        {
            using HttpClient api = _server.Api();
            SandboxCallsEndpoints.SandboxCallView call = (await (await api.PostAsJsonAsync("/api/sandbox/calls", new { destination = "8000" }))
                .Content.ReadFromJsonAsync<SandboxCallsEndpoints.SandboxCallView>())!;
            SandboxChannel channel = pbx.FindChannel(call.Uuid)!;

            // uuid_record to the FusionPBX archive path under the PBX's recordings_dir.
            await Wait.UntilAsync(() => channel.RecordingPaths.Count == 1, TimeSpan.FromSeconds(20));
            string path = channel.RecordingPaths[0];
            Assert.Matches($"{System.Text.RegularExpressions.Regex.Escape(DemoTenant.DomainName)}/archive/[0-9]{{4}}/[A-Z][a-z]{{2}}/[0-9]{{2}}/{call.Uuid}\\.wav$", path.Replace('\\', '/'));
            Assert.Equal($"{call.Uuid}.wav", channel.GetVariable("record_name"));

            await api.DeleteAsync($"/api/sandbox/calls/{call.Uuid}");
            Switchboard.Server.Recordings.RecordingUploads uploads = _server.Services.GetRequiredService<Switchboard.Server.Recordings.RecordingUploads>();
            await Wait.UntilAsync(
                async () => await uploads.FindAsync(DemoTenant.Id, call.Uuid, CancellationToken.None) is { Status: Switchboard.Server.Recordings.RecordingUploadStatus.Uploaded },
                TimeSpan.FromSeconds(30));
        }
        finally
        {
            pbx.SecretaryDialplanRecords = true;
        }
    }

    [Fact]
    public async Task A_sandbox_call_to_the_secretary_streams_greets_and_ends_on_hangup()
    {
        using HttpClient api = _server.Api();
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        var labels = ("tenant", DemoTenant.DomainName);
        double activeBefore = await _server.MetricAsync("voice_ai_realtime_active_sessions", labels);

        HttpResponseMessage placed = await api.PostAsJsonAsync("/api/sandbox/calls", new { destination = "8000", callerIdNumber = "+5511988887777" });
        Assert.Equal(HttpStatusCode.Created, placed.StatusCode);
        SandboxCallsEndpoints.SandboxCallView? call = await placed.Content.ReadFromJsonAsync<SandboxCallsEndpoints.SandboxCallView>();
        Assert.NotNull(call);

        await Wait.UntilAsync(() => registry.Contains(call.Uuid));
        registry.TryGet(call.Uuid, out CallSession? session);
        Assert.Equal("+5511988887777", session!.Metadata.CallerIdNumber);
        Assert.Equal(activeBefore + 1, await _server.MetricAsync("voice_ai_realtime_active_sessions", labels));

        // The caller's frames arrive at the stream's pace, and the greeting is heard through
        // streamAudio -> mod_audio_stream::play -> sendmsg playback.
        await Wait.UntilAsync(() => session.FramesReceived >= 10);
        await Wait.UntilAsync(() => session.Playback.FilesQueued >= 1);

        await Wait.UntilAsync(() => !session.Playback.IsPlaying);
        SandboxChannel channel = _server.Services.GetRequiredService<SandboxPbx>().FindChannel(call.Uuid)!;
        string recording = Assert.Single(channel.RecordingPaths);

        HttpResponseMessage hungUp = await api.DeleteAsync($"/api/sandbox/calls/{call.Uuid}");
        Assert.Equal(HttpStatusCode.NoContent, hungUp.StatusCode);
        await Wait.UntilAsync(() => !registry.Contains(call.Uuid));

        // The dialplan's stereo recording (right = what the caller heard) holds both tones of the chime.
        WavAudio heard;
        using (FileStream file = File.OpenRead(recording))
        {
            heard = WavFile.Read(file);
        }

        Assert.Equal(2, heard.Channels);
        Assert.True(Tones.Milliseconds(heard.Samples, 2, 1, 660) >= 200, "the caller heard the first tone of the greeting");
        Assert.True(Tones.Milliseconds(heard.Samples, 2, 1, 880) >= 200, "the caller heard the second tone of the greeting");
        Assert.StartsWith("hangup", session.EndReason, StringComparison.Ordinal);
        Assert.Equal(activeBefore, await _server.MetricAsync("voice_ai_realtime_active_sessions", labels));
        Assert.True(await _server.MetricAsync("voice_ai_realtime_calls_total", labels, ("provider", "echo"), ("outcome", session.EndReason!)) >= 1);
    }

    [Fact]
    public async Task A_call_to_an_extension_without_a_secretary_is_left_alone()
    {
        using HttpClient api = _server.Api();
        PbxConnection pbx = _server.Services.GetRequiredService<PbxConnection>();
        CallController controller = _server.Services.GetRequiredService<CallController>();
        long started = controller.StreamsStarted;
        long ignored = controller.CallsIgnored;
        HttpResponseMessage placed = await api.PostAsJsonAsync("/api/sandbox/calls", new { destination = "8999" });
        SandboxCallsEndpoints.SandboxCallView? call = await placed.Content.ReadFromJsonAsync<SandboxCallsEndpoints.SandboxCallView>();
        Assert.NotNull(call);

        await Wait.UntilAsync(() => controller.CallsIgnored > ignored);
        Assert.Equal(started, controller.StreamsStarted);
        Assert.False(_server.Services.GetRequiredService<CallRegistry>().Contains(call.Uuid));
        Assert.Equal("true", await pbx.Client.ApiAsync($"uuid_exists {call.Uuid}", CancellationToken.None));
        await api.DeleteAsync($"/api/sandbox/calls/{call.Uuid}");
    }
}
