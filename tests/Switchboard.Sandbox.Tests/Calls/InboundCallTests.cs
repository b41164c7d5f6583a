using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Calls;

/// <summary>The sandbox's own API: inbound calls placed by <see cref="SandboxPbx.PlaceInboundCallAsync"/>.</summary>
public sealed class InboundCallTests : IAsyncLifetime
{
    private SandboxTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await SandboxTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Call_to_a_secretary_number_is_created_answered_and_parked_in_that_order()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_CREATE CHANNEL_ANSWER CHANNEL_PARK");

        var call = await _bed.CallAsync("8000");

        var create = await events.WaitForEventAsync("CHANNEL_CREATE", call.Uuid);
        var answer = await events.WaitForEventAsync("CHANNEL_ANSWER", call.Uuid);
        var park = await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);
        var own = events.AllEvents.Where(e => e["Unique-ID"] == call.Uuid).Select(e => e.Name).ToList();
        Assert.Equal(["CHANNEL_CREATE", "CHANNEL_ANSWER", "CHANNEL_PARK"], own);
        Assert.Equal("sofia/internal/5551000@example.com", create["Channel-Name"]);
        Assert.Equal("inbound", create["Call-Direction"]);
        Assert.Equal("8000", create["Caller-Destination-Number"]);
        Assert.Equal("5551000", create["Caller-Caller-ID-Number"]);
        Assert.Equal("Test Caller", create["Caller-Caller-ID-Name"]);
        Assert.Equal(SandboxTestBed.Domain, create["Caller-Context"]);
        Assert.Equal(SandboxTestBed.Domain, answer["variable_domain_name"]);
        Assert.Equal(_bed.DomainUuid.ToString(), answer["variable_domain_uuid"]);
        Assert.Equal("true", park["variable_park_after_bridge"]);
        Assert.Equal("CS_EXECUTE", call.State);
        Assert.Equal("ACTIVE", call.CallState);
    }

    [Fact]
    public async Task Secretary_call_is_recorded_in_stereo_from_answer_like_the_deploy_dialplan()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK RECORD_START RECORD_STOP");
        var call = await _bed.CallAsync("8123", CallerAudio.Tone(440));

        var start = await events.WaitForEventAsync("RECORD_START", call.Uuid);
        var park = await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);
        var now = DateTime.Now;
        var folder = Path.Combine(_bed.RecordingsDirectory, SandboxTestBed.Domain, "archive",
            now.ToString("yyyy", System.Globalization.CultureInfo.InvariantCulture),
            now.ToString("MMM", System.Globalization.CultureInfo.InvariantCulture),
            now.ToString("dd", System.Globalization.CultureInfo.InvariantCulture));
        var path = Path.Combine(folder, call.Uuid + ".wav");
        Assert.Equal(path, start["Record-File-Path"]);
        Assert.Equal(folder, park["variable_record_path"]);
        Assert.Equal(call.Uuid + ".wav", park["variable_record_name"]);
        Assert.Equal("8123", park["variable_switchboard_secretary"]);

        await call.HangupAsync();
        Assert.Equal(path, (await events.WaitForEventAsync("RECORD_STOP", call.Uuid))["Record-File-Path"]);
        var header = (await File.ReadAllBytesAsync(path))[..44];
        Assert.Equal(2, BitConverter.ToInt16(header, 22));
    }

    [Fact]
    public async Task Call_to_an_unknown_number_hangs_up_with_no_route_destination()
    {
        var call = await _bed.CallAsync("4242");

        var cause = await call.WaitForHangupAsync().WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal("NO_ROUTE_DESTINATION", cause);
        Assert.Null(_bed.Pbx.FindChannel(call.Uuid));
    }

    [Fact]
    public async Task Caller_hanging_up_ends_the_call_with_a_received_bye()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK CHANNEL_HANGUP_COMPLETE CHANNEL_DESTROY");
        var call = await _bed.CallAsync();
        await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);

        await call.HangupAsync();

        var complete = await events.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE", call.Uuid);
        await events.WaitForEventAsync("CHANNEL_DESTROY", call.Uuid);
        Assert.Equal("NORMAL_CLEARING", complete["Hangup-Cause"]);
        Assert.Equal("recv_bye", complete["variable_sip_hangup_disposition"]);
        Assert.Equal("200", complete["variable_sip_term_status"]);
        Assert.Equal("16", complete["variable_hangup_cause_q850"]);
        Assert.Equal("NORMAL_CLEARING", await call.WaitForHangupAsync().WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task Caller_pressing_a_key_fires_dtmf_with_digit_duration_and_source()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK DTMF");
        var call = await _bed.CallAsync();
        await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);

        call.SendDtmf('5');

        var dtmf = await events.WaitForEventAsync("DTMF", call.Uuid);
        Assert.Equal("5", dtmf["DTMF-Digit"]);
        Assert.Equal("2000", dtmf["DTMF-Duration"]);
        Assert.Equal("RTP", dtmf["DTMF-Source"]);
    }

    [Fact]
    public async Task Channel_appears_in_show_channels_with_its_caller_and_destination()
    {
        await using var client = await _bed.ConnectAsync();
        await using var events = await _bed.ListenAsync("CHANNEL_PARK");
        var call = await _bed.CallAsync();
        await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);

        var json = await client.ApiAsync("show channels as json");

        using var document = System.Text.Json.JsonDocument.Parse(json);
        var row = Assert.Single(document.RootElement.GetProperty("rows").EnumerateArray());
        Assert.Equal(call.Uuid, row.GetProperty("uuid").GetString());
        Assert.Equal("inbound", row.GetProperty("direction").GetString());
        Assert.Equal("5551000", row.GetProperty("cid_num").GetString());
        Assert.Equal("8000", row.GetProperty("dest").GetString());
        Assert.Equal(SandboxTestBed.Domain, row.GetProperty("context").GetString());
        Assert.Equal(call.Uuid, Assert.Single(_bed.Pbx.Channels).Uuid);
    }
}
