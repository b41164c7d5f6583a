using Switchboard.Sandbox.Tests.Media.Support;
using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Calls;

/// <summary>Audio across loopback legs: the setup of freeswitch-verified.md (a parked a-leg, a b-leg that speaks).</summary>
public sealed class LoopbackMediaTests : IAsyncLifetime
{
    private SandboxTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await SandboxTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Parked_a_leg_of_7442_streams_the_b_legs_tone_as_the_callers_voice()
    {
        await using var server = await StreamServer.StartAsync();
        await using var client = await _bed.ConnectAsync();
        var uuid = Guid.NewGuid().ToString();
        Assert.Equal($"+OK {uuid}\n", await client.ApiAsync($"originate {{origination_uuid={uuid}}}loopback/7442 &park()"));

        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_audio_stream {uuid} start {server.Url("/s")} mono 8k"));

        var connection = await server.AcceptAsync();
        var frames = await connection.ReceiveBinaryAsync(25);
        Assert.True(frames.Count(f => f.Data.Any(b => b != 0)) >= 15, "the tone reaches the stream");
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_audio_stream {uuid} stop"));
    }

    [Fact]
    public async Task A_leg_of_7443_hears_back_what_is_played_to_it()
    {
        await using var events = await _bed.ListenAsync("PLAYBACK_START");
        await using var client = await _bed.ConnectAsync();
        var uuid = Guid.NewGuid().ToString();
        Assert.Equal($"+OK {uuid}\n", await client.ApiAsync($"originate {{origination_uuid={uuid}}}loopback/7443 &park()"));
        var leg = _bed.Pbx.FindChannel(uuid)!;
        var frames = new FrameCounter();
        leg.AttachMediaBug(frames);
        await frames.WaitForFramesAsync(10);
        Assert.Equal(frames.Frames, frames.SilentReadFrames);

        Assert.Equal("+OK Message sent\n", await client.ApiAsync($"uuid_broadcast {uuid} tone_stream://%(5000,0,600) aleg"));
        await events.WaitForEventAsync("PLAYBACK_START", uuid);
        var heardBefore = frames.Frames - frames.SilentReadFrames;
        await frames.WaitForFramesAsync(frames.Frames + 20);

        Assert.True(frames.Frames - frames.SilentReadFrames - heardBefore >= 10, "the echo comes back on the a-leg's read side");
    }
}
