using System.Net;
using System.Net.WebSockets;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Calls;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Calls;

/// <summary>
/// <c>/stream</c> over a real Kestrel socket, with this test playing mod_audio_stream: good input
/// starts a session; bad input gets a clear close reason and leaves every other stream alone.
/// </summary>
public sealed class MediaStreamEndpointTests : IClassFixture<MediaStreamEndpointTests.Server>
{
    private readonly Server _server;

    public MediaStreamEndpointTests(Server server) => _server = server;

    public sealed class Server : KestrelSwitchboardServerFactory
    {
        public static readonly Guid DisabledTenant = Guid.NewGuid();

        public string Url(Guid domainUuid, string callUuid, string? token) =>
            $"/stream/{domainUuid:D}/{callUuid}" + (token is null ? "" : $"?token={token}");

        public string Token(Guid domainUuid, string callUuid) =>
            Services.GetRequiredService<StreamTokens>().Issue(domainUuid, callUuid, TimeSpan.FromMinutes(1));

        public async Task<StreamClient> OpenAsync(Guid domainUuid, string callUuid, string? token) =>
            await StreamClient.ConnectAsync(WebSocketAddress(Url(domainUuid, callUuid, token)));

        public async Task<double> MetricAsync(string name, params (string, string)[] labels)
        {
            using HttpClient http = CreateClient();
            string text = await http.GetStringAsync("/metrics");
            PrometheusExposition exposition = PrometheusTextParser.Parse(text);
            return exposition.Samples.Any(s => s.Name == name && s.HasLabels(labels)) ? exposition.Value(name, labels) : 0;
        }

        public async Task AddDisabledTenantAsync()
        {
            await using AsyncServiceScope scope = Services.CreateAsyncScope();
            scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DisabledTenant);
            SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
            if (await db.Tenants.FindAsync(DisabledTenant) is null)
            {
                db.Tenants.Add(new Tenant { Id = DisabledTenant, DomainName = "disabled.example", DisplayName = "Disabled", Enabled = false, CreatedAt = DateTimeOffset.UtcNow });
                await db.SaveChangesAsync();
            }
        }
    }

    private static string NewCall() => Guid.NewGuid().ToString();

    private static byte[] Frames(int count, int frameBytes = 320) => new byte[count * frameBytes];

    [Fact]
    public async Task A_plain_http_request_gets_400()
    {
        using HttpClient http = _server.CreateClient();
        HttpResponseMessage response = await http.GetAsync(_server.Url(DemoTenant.Id, NewCall(), "x"));
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Theory]
    [InlineData(null, "stream token missing")]
    [InlineData("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA", "stream token invalid")]
    [InlineData("not base64 at all!", "stream token invalid")]
    public async Task A_missing_or_wrong_token_is_refused_with_its_reason(string? token, string reason)
    {
        await using StreamClient client = await _server.OpenAsync(DemoTenant.Id, NewCall(), token);
        await client.ReadUntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Equal(reason, client.CloseReason);
    }

    [Fact]
    public async Task A_token_for_another_call_is_refused()
    {
        string call = NewCall();
        await using StreamClient client = await _server.OpenAsync(DemoTenant.Id, call, _server.Token(DemoTenant.Id, NewCall()));
        await client.ReadUntilClosedAsync();
        Assert.Equal("stream token invalid", client.CloseReason);
    }

    [Fact]
    public async Task An_unknown_tenant_is_refused_even_with_a_valid_token()
    {
        Guid unknown = Guid.NewGuid();
        string call = NewCall();
        double before = await _server.MetricAsync("switchboard_media_stream_rejected_total", ("reason", "unknown_tenant"));
        await using StreamClient client = await _server.OpenAsync(unknown, call, _server.Token(unknown, call));
        await client.ReadUntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.PolicyViolation, client.CloseStatus);
        Assert.Equal("unknown tenant", client.CloseReason);
        Assert.Equal(before + 1, await _server.MetricAsync("switchboard_media_stream_rejected_total", ("reason", "unknown_tenant")));
    }

    [Fact]
    public async Task A_disabled_tenant_is_refused()
    {
        await _server.AddDisabledTenantAsync();
        string call = NewCall();
        await using StreamClient client = await _server.OpenAsync(Server.DisabledTenant, call, _server.Token(Server.DisabledTenant, call));
        await client.ReadUntilClosedAsync();
        Assert.Equal("tenant disabled", client.CloseReason);
    }

    [Theory]
    [InlineData("{not json", "metadata is not valid JSON")]
    [InlineData("{\"callUuid\":\"x\"}", "metadata is not valid JSON")]
    public async Task Bad_metadata_is_refused_as_invalid_payload(string metadata, string reason)
    {
        string call = NewCall();
        await using StreamClient client = await _server.OpenAsync(DemoTenant.Id, call, _server.Token(DemoTenant.Id, call));
        await client.SendTextAsync(metadata);
        await client.ReadUntilClosedAsync();
        Assert.Equal(WebSocketCloseStatus.InvalidPayloadData, client.CloseStatus);
        Assert.Equal(reason, client.CloseReason);
    }

    [Fact]
    public async Task Audio_before_metadata_is_refused()
    {
        string call = NewCall();
        await using StreamClient client = await _server.OpenAsync(DemoTenant.Id, call, _server.Token(DemoTenant.Id, call));
        await client.SendBinaryAsync(Frames(1));
        await client.ReadUntilClosedAsync();
        Assert.Equal("metadata text frame expected first", client.CloseReason);
    }

    [Fact]
    public async Task A_good_stream_greets_the_caller_and_counts_as_an_active_session_until_it_closes()
    {
        string call = NewCall();
        double activeBefore = await _server.MetricAsync("voice_ai_realtime_active_sessions", ("tenant", DemoTenant.DomainName));
        await using StreamClient client = await _server.OpenAsync(DemoTenant.Id, call, _server.Token(DemoTenant.Id, call));
        await client.SendTextAsync(StreamClient.Metadata(DemoTenant.Id, call));
        await client.SendBinaryAsync(Frames(5));

        // The greeting arrives as streamAudio, raw L16 at the stream rate, with our correlation keys.
        string? greeting = await client.ReceiveTextAsync();
        Assert.NotNull(greeting);
        using (JsonDocument document = JsonDocument.Parse(greeting))
        {
            JsonElement data = document.RootElement.GetProperty("data");
            Assert.Equal("streamAudio", document.RootElement.GetProperty("type").GetString());
            Assert.Equal("raw", data.GetProperty("audioDataType").GetString());
            Assert.Equal(8000, data.GetProperty("sampleRate").GetInt32());
            byte[] audio = Convert.FromBase64String(data.GetProperty("audioData").GetString()!);
            Assert.True(audio.Length > 0 && audio.Length % 320 == 0);
            Assert.Equal(0, data.GetProperty("seq").GetInt32());
        }

        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        Assert.True(registry.Contains(call));
        Assert.Equal(activeBefore + 1, await _server.MetricAsync("voice_ai_realtime_active_sessions", ("tenant", DemoTenant.DomainName)));

        await client.CloseAsync();
        await Wait.UntilAsync(() => !registry.Contains(call));
        Assert.Equal(activeBefore, await _server.MetricAsync("voice_ai_realtime_active_sessions", ("tenant", DemoTenant.DomainName)));
    }

    [Theory]
    [InlineData(321, WebSocketCloseStatus.InvalidPayloadData, "binary frame of 321 bytes is not a whole number of 20 ms L16 frames (320 bytes)")]
    [InlineData(96_001, WebSocketCloseStatus.MessageTooBig, "frame exceeds 96000 bytes")]
    public async Task A_bad_frame_closes_only_its_own_stream(int frameBytes, WebSocketCloseStatus status, string reason)
    {
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        string goodCall = NewCall();
        await using StreamClient good = await _server.OpenAsync(DemoTenant.Id, goodCall, _server.Token(DemoTenant.Id, goodCall));
        await good.SendTextAsync(StreamClient.Metadata(DemoTenant.Id, goodCall));
        await good.SendBinaryAsync(Frames(1));
        await Wait.UntilAsync(() => registry.TryGet(goodCall, out CallSession? s) && s!.FramesReceived == 1);

        string badCall = NewCall();
        await using StreamClient bad = await _server.OpenAsync(DemoTenant.Id, badCall, _server.Token(DemoTenant.Id, badCall));
        await bad.SendTextAsync(StreamClient.Metadata(DemoTenant.Id, badCall));
        await bad.SendBinaryAsync(new byte[frameBytes]);
        await bad.ReadUntilClosedAsync();
        Assert.Equal(status, bad.CloseStatus);
        Assert.Equal(reason, bad.CloseReason);
        await Wait.UntilAsync(() => !registry.Contains(badCall));

        // The other call never noticed: still registered, still taking audio.
        await good.SendBinaryAsync(Frames(3));
        registry.TryGet(goodCall, out CallSession? session);
        Assert.NotNull(session);
        await Wait.UntilAsync(() => session!.FramesReceived == 4);
        Assert.Equal(WebSocketState.Open, good.State);
        await good.CloseAsync();
    }

    [Fact]
    public async Task A_second_stream_for_the_same_call_is_refused()
    {
        CallRegistry registry = _server.Services.GetRequiredService<CallRegistry>();
        string call = NewCall();
        await using StreamClient first = await _server.OpenAsync(DemoTenant.Id, call, _server.Token(DemoTenant.Id, call));
        await first.SendTextAsync(StreamClient.Metadata(DemoTenant.Id, call));
        await Wait.UntilAsync(() => registry.Contains(call));

        await using StreamClient second = await _server.OpenAsync(DemoTenant.Id, call, _server.Token(DemoTenant.Id, call));
        await second.SendTextAsync(StreamClient.Metadata(DemoTenant.Id, call));
        await second.ReadUntilClosedAsync();
        Assert.Equal("call already has a stream", second.CloseReason);
        Assert.True(registry.Contains(call));
        await first.CloseAsync();
    }
}
