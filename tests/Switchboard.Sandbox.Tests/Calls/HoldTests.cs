using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Calls;

/// <summary><c>uuid_hold</c> on a SIP leg (freeswitch-verified.md Q6): HELD, no frames read while held, 13 silent frames after.</summary>
public sealed class HoldTests : IAsyncLifetime
{
    private SandboxTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await SandboxTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Hold_reaches_held_and_a_second_hold_fails_until_the_call_is_unheld()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK CHANNEL_HOLD CHANNEL_UNHOLD");
        await using var client = await _bed.ConnectAsync();
        var call = await _bed.CallAsync();
        await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);

        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_hold {call.Uuid}"));
        var hold = await events.WaitForEventAsync("CHANNEL_HOLD", call.Uuid);
        Assert.Equal("HELD", hold["Channel-Call-State"]);
        Assert.True(call.IsHeld);
        Assert.Equal("-ERR Operation failed\n", await client.ApiAsync($"uuid_hold {call.Uuid}"));

        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_hold off {call.Uuid}"));
        await events.WaitForEventAsync("CHANNEL_UNHOLD", call.Uuid);
        Assert.False(call.IsHeld);
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_hold toggle {call.Uuid}"));
        Assert.Equal("HELD", call.CallState);
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_hold toggle {call.Uuid}"));
        Assert.False(call.IsHeld);
    }

    [Fact]
    public async Task Held_leg_reads_no_frames_and_resumes_with_about_thirteen_silent_frames()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK");
        await using var client = await _bed.ConnectAsync();
        var held = await _bed.CallAsync(voice: CallerAudio.Tone(440), callerId: "5551001");
        var reference = await _bed.CallAsync(voice: CallerAudio.Tone(440), callerId: "5551002");
        await events.WaitForEventAsync("CHANNEL_PARK", held.Uuid);
        await events.WaitForEventAsync("CHANNEL_PARK", reference.Uuid);
        var heldFrames = new FrameCounter();
        var referenceFrames = new FrameCounter();
        held.AttachMediaBug(heldFrames);
        reference.AttachMediaBug(referenceFrames);
        await heldFrames.WaitForFramesAsync(5);

        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_hold {held.Uuid}"));
        var frozen = heldFrames.Frames;
        await referenceFrames.WaitForFramesAsync(referenceFrames.Frames + 25);
        Assert.Equal(frozen, heldFrames.Frames);

        var silence = heldFrames.StartRecordingSilence();
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_hold off {held.Uuid}"));
        await heldFrames.WaitForFramesAsync(frozen + 20);
        var after = heldFrames.RecordedSilence();
        var silent = after.TakeWhile(s => s).Count();
        Assert.InRange(silent, 12, 14);
        Assert.Contains(false, after);
    }
}
