using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Calls;

/// <summary>Conference lifecycle and audio (Q5): endconf, floor hand-over, the lone member's hold music.</summary>
public sealed class ConferenceLifecycleTests : IAsyncLifetime
{
    private SandboxTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await SandboxTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Moderator_with_endconf_leaving_ends_the_conference_and_hangs_up_the_others()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK CHANNEL_HANGUP_COMPLETE CUSTOM conference::maintenance");
        await using var client = await _bed.ConnectAsync();
        var moderator = await _bed.CallAsync(callerId: "5551001");
        var other = await _bed.CallAsync(callerId: "5551002");
        await events.WaitForEventAsync("CHANNEL_PARK", moderator.Uuid);
        await events.WaitForEventAsync("CHANNEL_PARK", other.Uuid);

        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_transfer {moderator.Uuid} conference:endme@default+flags{{moderator|endconf}} inline"));
        await events.WaitForEventAsync(e => e["Action"] == "add-member" && e["Unique-ID"] == moderator.Uuid);
        Assert.Equal("+OK\n", await client.ApiAsync($"uuid_transfer {other.Uuid} conference:endme@default inline"));
        await events.WaitForEventAsync(e => e["Action"] == "add-member" && e["Unique-ID"] == other.Uuid);
        await moderator.HangupAsync();

        await events.WaitForEventAsync(e => e["Action"] == "conference-destroy" && e["Conference-Name"] == "endme");
        Assert.Equal("NORMAL_CLEARING", (await events.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE", other.Uuid))["Hangup-Cause"]);
        Assert.Equal("-ERR Conference endme not found\n", await client.ApiAsync("conference endme list"));
    }

    [Fact]
    public async Task Moderator_without_endconf_leaving_hands_the_floor_to_the_remaining_member()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK CUSTOM conference::maintenance");
        await using var client = await _bed.ConnectAsync();
        var moderator = await _bed.CallAsync(callerId: "5551001");
        var other = await _bed.CallAsync(callerId: "5551002");
        await events.WaitForEventAsync("CHANNEL_PARK", moderator.Uuid);
        await events.WaitForEventAsync("CHANNEL_PARK", other.Uuid);
        await client.ApiAsync($"uuid_transfer {moderator.Uuid} conference:stay@default+flags{{mute|moderator}},park inline");
        await events.WaitForEventAsync(e => e["Action"] == "add-member" && e["Unique-ID"] == moderator.Uuid);
        await client.ApiAsync($"uuid_transfer {other.Uuid} conference:stay@default,park inline");
        var add = await events.WaitForEventAsync(e => e["Action"] == "add-member" && e["Unique-ID"] == other.Uuid);

        await moderator.HangupAsync();

        await events.WaitForEventAsync(e => e["Action"] == "floor-change" && e["New-ID"] == add["Member-ID"]);
        Assert.Equal("1", await client.ApiAsync("conference stay get count"));
        Assert.Equal(other.Uuid, (await client.ApiAsync("conference stay list")).Split(';')[2]);
    }

    [Fact]
    public async Task Lone_member_hears_hold_music_and_two_members_hear_each_other()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK CUSTOM conference::maintenance");
        await using var client = await _bed.ConnectAsync();
        var first = await _bed.CallAsync(callerId: "5551001");
        var second = await _bed.CallAsync(voice: CallerAudio.Tone(700), callerId: "5551002");
        await events.WaitForEventAsync("CHANNEL_PARK", first.Uuid);
        await events.WaitForEventAsync("CHANNEL_PARK", second.Uuid);
        var heard = new FrameCounter();
        first.AttachMediaBug(heard);

        await client.ApiAsync($"uuid_transfer {first.Uuid} conference:music@default inline");
        await events.WaitForEventAsync(e => e["Action"] == "add-member" && e["Unique-ID"] == first.Uuid);
        await heard.WaitForFramesAsync(heard.Frames + 60);
        var before = heard.Frames - heard.SilentWriteFrames;
        Assert.True(before > 20, $"{before} audible frames alone (enter tone, then music on hold)");

        await client.ApiAsync($"uuid_transfer {second.Uuid} conference:music@default inline");
        await events.WaitForEventAsync(e => e["Action"] == "add-member" && e["Unique-ID"] == second.Uuid);
        var frames = heard.Frames;
        var silent = heard.SilentWriteFrames;
        await heard.WaitForFramesAsync(frames + 30);
        Assert.True(heard.Frames - frames - (heard.SilentWriteFrames - silent) > 20, "the second member's voice is heard");
    }
}
