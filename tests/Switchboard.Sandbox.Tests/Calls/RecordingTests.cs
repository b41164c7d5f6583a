using Switchboard.Sandbox.Tests.Support;

namespace Switchboard.Sandbox.Tests.Calls;

/// <summary><c>uuid_record</c>: replies, RECORD_START/RECORD_STOP and the WAV it leaves behind.</summary>
public sealed class RecordingTests : IAsyncLifetime
{
    private SandboxTestBed _bed = null!;

    public async Task InitializeAsync() => _bed = await SandboxTestBed.StartAsync();

    public async Task DisposeAsync() => await _bed.DisposeAsync();

    [Fact]
    public async Task Record_start_and_stop_write_a_wav_under_the_recordings_directory()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK RECORD_START RECORD_STOP");
        await using var client = await _bed.ConnectAsync();
        var call = await _bed.CallAsync(voice: CallerAudio.Tone(440));
        await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);
        var frames = new FrameCounter();
        call.AttachMediaBug(frames);
        var relative = $"example.com/archive/{call.Uuid}.wav";

        var path = Path.Combine(_bed.RecordingsDirectory, relative);
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_record {call.Uuid} start {relative}"));
        await events.WaitForEventAsync(e => e.Name == "RECORD_START" && e["Record-File-Path"] == path);
        await frames.WaitForFramesAsync(frames.Frames + 25);
        Assert.Equal("-ERR Cannot stop record session!\n", await client.ApiAsync($"uuid_record {call.Uuid} stop /not/recording.wav"));
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_record {call.Uuid} stop {path}"));

        await events.WaitForEventAsync(e => e.Name == "RECORD_STOP" && e["Record-File-Path"] == path);
        var bytes = await File.ReadAllBytesAsync(path);
        Assert.Equal("RIFF"u8.ToArray(), bytes[..4]);
        Assert.True(bytes.Length > 44 + (20 * 320), $"{bytes.Length} bytes");
        Assert.Contains(path, call.RecordingPaths);
        Assert.Equal(2, call.RecordingPaths.Count);
    }

    [Fact]
    public async Task Recording_still_running_at_hangup_is_stopped_before_hangup_complete()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK RECORD_STOP CHANNEL_HANGUP_COMPLETE");
        await using var client = await _bed.ConnectAsync();
        var call = await _bed.CallAsync();
        await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);
        var path = Path.Combine(_bed.RecordingsDirectory, $"{call.Uuid}.wav");
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_record {call.Uuid} start {path}"));

        await call.HangupAsync();

        var stop = await events.WaitForEventAsync(e => e.Name == "RECORD_STOP" && e["Record-File-Path"] == path);
        var complete = await events.WaitForEventAsync("CHANNEL_HANGUP_COMPLETE", call.Uuid);
        Assert.True(events.AllEvents.IndexOf(stop) < events.AllEvents.IndexOf(complete));
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task Mask_and_unknown_actions_reply_as_mod_commands_does()
    {
        await using var events = await _bed.ListenAsync("CHANNEL_PARK");
        await using var client = await _bed.ConnectAsync();
        var call = await _bed.CallAsync();
        await events.WaitForEventAsync("CHANNEL_PARK", call.Uuid);
        var path = Path.Combine(_bed.RecordingsDirectory, $"{call.Uuid}.wav");

        Assert.Equal("-ERR Cannot mask recording session!\n", await client.ApiAsync($"uuid_record {call.Uuid} mask {path}"));
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_record {call.Uuid} start {path}"));
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_record {call.Uuid} mask {path}"));
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_record {call.Uuid} unmask {path}"));
        Assert.Equal("-USAGE: <uuid> [start|stop|mask|unmask] <path> [<limit>] [<recording_vars>]\n", await client.ApiAsync($"uuid_record {call.Uuid} rewind {path}"));
        Assert.Equal("+OK Success\n", await client.ApiAsync($"uuid_record {call.Uuid} stop all"));
    }
}
