using System.Net;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text.Json;
using Switchboard.Sandbox.Media;
using Switchboard.Sandbox.Tests.Media.Support;

namespace Switchboard.Sandbox.Tests.Media;

public sealed class AudioStreamSessionTests : IAsyncLifetime
{
    private const string ChannelUuid = "5f1c2a4e-0000-4000-8000-00000000a001";
    private readonly MediaTestBed _bed = new();
    private readonly StreamEventLog _events = new();
    private StreamServer _server = null!;
    private MediaChannel _channel = null!;

    public async Task InitializeAsync()
    {
        _server = await StreamServer.StartAsync();
        _channel = new MediaChannel(ChannelUuid, _bed.Clock) { Source = new ToneSource(1000) };
    }

    public async Task DisposeAsync()
    {
        await _channel.DisposeAsync();
        await _server.DisposeAsync();
        await _bed.DisposeAsync();
    }

    private AudioStreamOptions Options(AudioStreamMix mix = AudioStreamMix.Mono, int rate = 8000, string? metadata = null, int bufferMs = 20, Uri? url = null) =>
        new()
        {
            Url = url ?? _server.Url("/calls/" + ChannelUuid + "?tenant=t1"),
            TempDirectory = _bed.Directory,
            Mix = mix,
            SampleRate = rate,
            Metadata = metadata,
            BufferMilliseconds = bufferMs,
        };

    private async Task<(AudioStreamSession Session, StreamConnection Connection)> StartAsync(AudioStreamOptions options)
    {
        var session = new AudioStreamSession(_channel, options, _events.Sink);
        Assert.True(session.TryStart());
        StreamConnection connection = await _server.AcceptAsync();
        Assert.True(await session.Connection.WaitAsync(TimeSpan.FromSeconds(10)));
        return (session, connection);
    }

    private static string StreamAudio(byte[] pcm, string extra = "", string type = "raw", int rate = 8000) =>
        $$$"""{"type":"streamAudio","data":{"audioDataType":"{{{type}}}","sampleRate":{{{rate}}},"audioData":"{{{Convert.ToBase64String(pcm)}}}"{{{extra}}}}}""";

    [Fact]
    public async Task Metadata_arrives_first_then_the_connect_event_then_320_byte_frames_carrying_the_callers_tone()
    {
        const string metadata = """{"uuid":"5f1c","cid":"+4930123","domain":"example.com"}""";
        (AudioStreamSession session, StreamConnection connection) = await StartAsync(Options(metadata: metadata));

        ReceivedMessage first = await connection.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, first.Type);
        Assert.Equal(metadata, first.Text);
        Assert.Equal("/calls/" + ChannelUuid + "?tenant=t1", connection.PathAndQuery);
        Assert.Equal((AudioStreamEvents.Connect, """{"status":"connected"}"""), await _events.NextAsync());

        _bed.Tick(50);
        List<ReceivedMessage> frames = await connection.ReceiveBinaryAsync(50);
        Assert.All(frames, f => Assert.Equal(320, f.Data.Length));
        Assert.All(frames.Skip(1), f => Assert.True(AudioAnalysis.HasTone(AudioAnalysis.Samples(f.Data), 1000)));
        await session.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(50, session.MessagesSent);
        Assert.Equal(0, session.MessagesDropped);
    }

    [Fact]
    public async Task Audio_before_the_socket_is_connected_is_discarded()
    {
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _server.UpgradeGate = release.Task;
        var session = new AudioStreamSession(_channel, Options(), _events.Sink);
        Assert.True(session.TryStart());
        await _server.FirstUpgradeRequest.WaitAsync(TimeSpan.FromSeconds(10));

        _bed.Tick(10); // the handshake is held open: these frames are lost
        Assert.Equal(AudioStreamState.Connecting, session.State);
        release.SetResult();
        StreamConnection connection = await _server.AcceptAsync();
        Assert.True(await session.Connection.WaitAsync(TimeSpan.FromSeconds(10)));
        _bed.Tick(5);

        await connection.ReceiveBinaryAsync(5);
        await session.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(5, connection.BinaryCount);
    }

    [Theory]
    [InlineData(16000, 20, AudioStreamMix.Mono, 640)]
    [InlineData(8000, 100, AudioStreamMix.Mono, 1600)]
    [InlineData(8000, 20, AudioStreamMix.Stereo, 640)]
    [InlineData(16000, 60, AudioStreamMix.Mixed, 1920)]
    public async Task Message_size_follows_rate_mix_and_STREAM_BUFFER_SIZE(int rate, int bufferMs, AudioStreamMix mix, int expectedBytes)
    {
        (_, StreamConnection connection) = await StartAsync(Options(mix, rate, bufferMs: bufferMs));
        int ticksPerMessage = bufferMs / 20;
        _bed.Tick(ticksPerMessage * 6);
        List<ReceivedMessage> frames = await connection.ReceiveBinaryAsync(5);
        Assert.All(frames, f => Assert.Equal(expectedBytes, f.Data.Length));
        // The caller's tone survives the conversion (checked on a later message, past the resampler warm-up).
        short[] samples = AudioAnalysis.Samples(frames[^1].Data);
        short[] mono = mix == AudioStreamMix.Stereo ? AudioAnalysis.Deinterleave(samples).Left : samples;
        Assert.True(AudioAnalysis.HasTone(mono, 1000, rate));
    }

    [Fact]
    public async Task Stereo_carries_the_caller_left_and_what_the_caller_hears_right()
    {
        _channel.Playback.Enqueue(_bed.ToneFile("prompt.r8", 600, frames: 100), PlaybackOrigin.SendMessage);
        (_, StreamConnection connection) = await StartAsync(Options(AudioStreamMix.Stereo));
        _bed.Tick(20);
        List<ReceivedMessage> frames = await connection.ReceiveBinaryAsync(20);
        (short[] left, short[] right) = AudioAnalysis.Deinterleave(AudioAnalysis.Samples(frames[^1].Data));
        Assert.True(AudioAnalysis.HasTone(left, 1000));
        Assert.False(AudioAnalysis.HasTone(left, 600));
        Assert.True(AudioAnalysis.HasTone(right, 600));
        Assert.False(AudioAnalysis.HasTone(right, 1000));
    }

    [Fact]
    public async Task Mixed_carries_both_directions_in_one_channel()
    {
        _channel.Playback.Enqueue(_bed.ToneFile("prompt.r8", 600, frames: 100), PlaybackOrigin.SendMessage);
        (_, StreamConnection connection) = await StartAsync(Options(AudioStreamMix.Mixed));
        _bed.Tick(20);
        List<ReceivedMessage> frames = await connection.ReceiveBinaryAsync(20);
        short[] samples = AudioAnalysis.Samples(frames[^1].Data);
        Assert.True(AudioAnalysis.ToneRatio(samples, 1000, 8000) > 0.25);
        Assert.True(AudioAnalysis.ToneRatio(samples, 600, 8000) > 0.25);
    }

    [Fact]
    public async Task StreamAudio_is_written_to_a_complete_file_before_the_play_event_with_extra_keys_kept_in_order()
    {
        (_, StreamConnection connection) = await StartAsync(Options());
        await _events.NextAsync(AudioStreamEvents.Connect);
        byte[] pcm = AudioAnalysis.Bytes(AudioAnalysis.Tone(440, 8000, 4000));

        await connection.SendTextAsync(StreamAudio(pcm, ""","seq":0,"label":"greeting" """.TrimEnd()));
        string body = await _events.NextAsync(AudioStreamEvents.Play);

        string expectedFile = Path.Combine(_bed.Directory, ChannelUuid + "_0.tmp.r8");
        Assert.Equal(
            $$"""{"audioDataType":"raw","sampleRate":8000,"seq":0,"label":"greeting","file":"{{expectedFile}}"}""",
            body);
        Assert.Equal(pcm, File.ReadAllBytes(expectedFile));
    }

    [Fact]
    public async Task File_numbers_count_per_stream_and_restart_at_zero_after_stop_and_start_and_stop_deletes_the_files()
    {
        (AudioStreamSession first, StreamConnection connection) = await StartAsync(Options());
        byte[] pcm = AudioAnalysis.Bytes(AudioAnalysis.Tone(440, 8000, 800));
        var files = new List<string>();
        for (int i = 0; i < 3; i++)
        {
            await connection.SendTextAsync(StreamAudio(pcm));
            using JsonDocument body = JsonDocument.Parse(await _events.NextAsync(AudioStreamEvents.Play));
            files.Add(body.RootElement.GetProperty("file").GetString()!);
        }

        Assert.Equal(
            Enumerable.Range(0, 3).Select(i => Path.Combine(_bed.Directory, $"{ChannelUuid}_{i}.tmp.r8")),
            files);
        Assert.All(files, f => Assert.True(File.Exists(f)));
        await connection.SendTextAsync(StreamAudio(pcm, type: "wav"));
        using (JsonDocument wav = JsonDocument.Parse(await _events.NextAsync(AudioStreamEvents.Play)))
        {
            files.Add(wav.RootElement.GetProperty("file").GetString()!);
        }

        Assert.EndsWith("_3.tmp.wav", files[3], StringComparison.Ordinal);

        await first.StopAsync("""{"reason":"transfer"}""").WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(files, f => Assert.False(File.Exists(f)));
        Assert.Null(_channel.AudioStream);

        (_, StreamConnection second) = await StartAsync(Options());
        await second.SendTextAsync(StreamAudio(pcm, type: "raw", rate: 16000));
        using JsonDocument again = JsonDocument.Parse(await _events.NextAsync(AudioStreamEvents.Play));
        Assert.Equal(Path.Combine(_bed.Directory, ChannelUuid + "_0.tmp.r16"), again.RootElement.GetProperty("file").GetString());
    }

    [Theory]
    [InlineData("""{"type":"streamAudio","data":{"audioDataType":"raw","sampleRate":8000,"audioData":"@@not base64@@"}}""")]
    [InlineData("""{"type":"streamAudio","data":{"audioDataType":"raw","sampleRate":11025,"audioData":"AAAA"}}""")]
    [InlineData("""{"type":"streamAudio","data":{"audioDataType":"flac","sampleRate":8000,"audioData":"AAAA"}}""")]
    [InlineData("""{"type":"streamAudio","data":{"audioDataType":"raw","sampleRate":8000}}""")]
    [InlineData("""{"type":"streamAudio","data":{"sampleRate":8000,"audioData":"AAAA"}}""")]
    [InlineData("""{"type":"streamAudio"}""")]
    [InlineData("""{"type":"transcript","text":"hello"}""")]
    [InlineData("plain words, not JSON")]
    public async Task Anything_but_a_valid_streamAudio_becomes_a_json_event_with_the_text_verbatim(string text)
    {
        (_, StreamConnection connection) = await StartAsync(Options());
        await connection.SendTextAsync(text);
        (string subclass, string body) = await _events.NextAsync();
        while (subclass == AudioStreamEvents.Connect)
        {
            (subclass, body) = await _events.NextAsync();
        }

        Assert.Equal(AudioStreamEvents.Json, subclass);
        Assert.Equal(text, body);
        Assert.Empty(Directory.GetFiles(_bed.Directory, "*.tmp.*"));
    }

    [Fact]
    public async Task Binary_frames_from_the_server_are_ignored()
    {
        (_, StreamConnection connection) = await StartAsync(Options());
        await _events.NextAsync(AudioStreamEvents.Connect);
        await connection.SendBinaryAsync(new byte[320]);
        await connection.SendTextAsync("after-binary");
        Assert.Equal((AudioStreamEvents.Json, "after-binary"), await _events.NextAsync());
    }

    [Fact]
    public async Task Send_text_and_the_final_stop_text_arrive_before_a_normal_close()
    {
        (AudioStreamSession session, StreamConnection connection) = await StartAsync(Options());
        Assert.True(session.SendText("""{"event":"dtmf","digit":"5"}"""));
        Assert.Equal("""{"event":"dtmf","digit":"5"}""", (await connection.ReceiveAsync()).Text);

        await session.StopAsync("""{"reason":"transfer"}""").WaitAsync(TimeSpan.FromSeconds(10));
        ReceivedMessage last = await connection.ReceiveAsync();
        Assert.Equal(WebSocketMessageType.Text, last.Type);
        Assert.Equal("""{"reason":"transfer"}""", last.Text);
        (WebSocketCloseStatus? status, _) = await connection.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.Equal(AudioStreamState.Stopped, session.State);
        Assert.DoesNotContain(_events.All, e => e.Subclass == AudioStreamEvents.Disconnect);
    }

    [Fact]
    public async Task Server_close_fires_disconnect_and_keeps_the_bug_attached_until_stop()
    {
        (AudioStreamSession session, StreamConnection connection) = await StartAsync(Options());
        await _events.NextAsync(AudioStreamEvents.Connect);

        await connection.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye");
        Assert.Equal("""{"status":"disconnected","message":{"code":1000,"reason":"bye"}}""", await _events.NextAsync(AudioStreamEvents.Disconnect));
        Assert.Equal(AudioStreamState.Disconnected, session.State);
        Assert.Same(session, _channel.AudioStream);
        int sent = connection.BinaryCount;
        _bed.Tick(10);
        Assert.Equal(sent, connection.BinaryCount);
        Assert.False(new AudioStreamSession(_channel, Options(), _events.Sink).TryStart());

        await session.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Null(_channel.AudioStream);
        await StartAsync(Options());
    }

    [Fact]
    public async Task Connect_failure_fires_error_code_6_and_tears_the_stream_down()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop(); // nothing listens there now

        var session = new AudioStreamSession(_channel, Options(url: new Uri($"ws://127.0.0.1:{port}/x")), _events.Sink);
        Assert.True(session.TryStart());
        Assert.False(await session.Connection.WaitAsync(TimeSpan.FromSeconds(10)));

        (string subclass, string body) = await _events.NextAsync();
        Assert.Equal(AudioStreamEvents.Error, subclass);
        using JsonDocument json = JsonDocument.Parse(body);
        Assert.Equal("error", json.RootElement.GetProperty("status").GetString());
        Assert.Equal(6, json.RootElement.GetProperty("message").GetProperty("code").GetInt32());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("message").GetProperty("error").GetString()));
        Assert.Equal(AudioStreamState.Failed, session.State);
        Assert.Null(_channel.AudioStream);
    }

    [Fact]
    public async Task A_server_that_never_answers_the_upgrade_times_out_after_the_connect_timeout()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        int port = ((IPEndPoint)listener.LocalEndpoint).Port;
        var session = new AudioStreamSession(_channel, Options(url: new Uri($"ws://127.0.0.1:{port}/x")), _events.Sink);
        Assert.True(session.TryStart());
        using TcpClient silent = await listener.AcceptTcpClientAsync().WaitAsync(TimeSpan.FromSeconds(10));

        _bed.Time.Advance(TimeSpan.FromMilliseconds(1900));
        Assert.False(session.Connection.IsCompleted);
        _bed.Time.Advance(TimeSpan.FromMilliseconds(200));

        Assert.False(await session.Connection.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("\"code\":6", await _events.NextAsync(AudioStreamEvents.Error), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Pause_stops_sending_and_resume_restarts_it()
    {
        (AudioStreamSession session, StreamConnection connection) = await StartAsync(Options(bufferMs: 60));
        _bed.Tick(7); // two messages, plus one frame pending in the batch
        await connection.ReceiveBinaryAsync(2);

        Assert.True(session.Pause());
        _bed.Tick(30);
        Assert.True(session.Resume());
        _bed.Tick(5); // the frame pending at pause time was flushed: 5 frames make one message, not two
        await connection.ReceiveBinaryAsync(1);
        await session.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(3, connection.BinaryCount);
    }

    [Fact]
    public async Task Hangup_closes_without_a_final_text_deletes_the_files_and_fires_no_disconnect()
    {
        (AudioStreamSession session, StreamConnection connection) = await StartAsync(Options());
        await connection.SendTextAsync(StreamAudio(new byte[320]));
        using JsonDocument body = JsonDocument.Parse(await _events.NextAsync(AudioStreamEvents.Play));
        string file = body.RootElement.GetProperty("file").GetString()!;
        Assert.True(File.Exists(file));

        await _channel.DisposeAsync();

        (WebSocketCloseStatus? status, _) = await connection.Closed.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(WebSocketCloseStatus.NormalClosure, status);
        Assert.DoesNotContain(connection.Drain(), m => m.Type == WebSocketMessageType.Text);
        Assert.False(File.Exists(file));
        Assert.Equal(AudioStreamState.Stopped, session.State);
        Assert.DoesNotContain(_events.All, e => e.Subclass == AudioStreamEvents.Disconnect);
    }

    [Fact]
    public async Task After_stop_a_playing_file_keeps_playing_and_a_queued_one_fails_to_open()
    {
        (AudioStreamSession session, StreamConnection connection) = await StartAsync(Options());
        byte[] tone = AudioAnalysis.Bytes(AudioAnalysis.Tone(700, 8000, 8000)); // 1 s
        var files = new List<string>();
        for (int i = 0; i < 2; i++)
        {
            await connection.SendTextAsync(StreamAudio(tone));
            using JsonDocument body = JsonDocument.Parse(await _events.NextAsync(AudioStreamEvents.Play));
            files.Add(body.RootElement.GetProperty("file").GetString()!);
        }

        var notifications = new List<PlaybackNotification>();
        _channel.Playback.Notified += notifications.Add;
        var tap = new FrameTap();
        _channel.AttachBug(tap);
        foreach (string file in files)
        {
            _channel.Playback.Enqueue(file, PlaybackOrigin.SendMessage);
        }

        _bed.Tick(10);
        await session.StopAsync().WaitAsync(TimeSpan.FromSeconds(10));
        Assert.All(files, f => Assert.False(File.Exists(f)));
        _bed.Tick(60);

        Assert.Equal(50, tap.Frames.Count(f => AudioAnalysis.HasTone(f.Write, 700)));
        Assert.Contains(notifications, n => n is { Kind: PlaybackNotificationKind.Stopped, Status: "done" } && n.Path == files[0]);
        Assert.Contains(notifications, n => n is { Kind: PlaybackNotificationKind.Failed, Error: "FILE NOT FOUND" } && n.Path == files[1]);
    }

    [Fact]
    public async Task A_file_that_cannot_be_written_is_still_announced_and_then_fails_to_play()
    {
        string missingDirectory = Path.Combine(_bed.Directory, "no-such-dir");
        var session = new AudioStreamSession(_channel, new AudioStreamOptions { Url = _server.Url(), TempDirectory = missingDirectory }, _events.Sink);
        Assert.True(session.TryStart());
        StreamConnection connection = await _server.AcceptAsync();
        Assert.True(await session.Connection.WaitAsync(TimeSpan.FromSeconds(10)));

        await connection.SendTextAsync(StreamAudio(new byte[320]));
        using JsonDocument body = JsonDocument.Parse(await _events.NextAsync(AudioStreamEvents.Play));
        string file = body.RootElement.GetProperty("file").GetString()!;
        Assert.Equal(Path.Combine(missingDirectory, ChannelUuid + "_0.tmp.r8"), file);
        Assert.False(File.Exists(file));
        Assert.Equal(AudioStreamState.Connected, session.State);

        var notifications = new List<PlaybackNotification>();
        _channel.Playback.Notified += notifications.Add;
        _channel.Playback.Enqueue(file, PlaybackOrigin.SendMessage);
        _bed.Tick(2);
        Assert.Equal(PlaybackNotificationKind.Failed, Assert.Single(notifications).Kind);
    }
}
