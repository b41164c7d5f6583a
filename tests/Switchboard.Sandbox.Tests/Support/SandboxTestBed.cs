using Switchboard.Sandbox.Media;

namespace Switchboard.Sandbox.Tests.Support;

/// <summary>A private sandbox for one test: domain <see cref="Domain"/>, temp folders, an ESL endpoint on port 0.</summary>
public sealed class SandboxTestBed : IAsyncDisposable
{
    public const string Domain = "example.com";

    private readonly string _root;

    private SandboxTestBed(SandboxPbx pbx, string root, Guid domainUuid)
    {
        Pbx = pbx;
        _root = root;
        DomainUuid = domainUuid;
    }

    public SandboxPbx Pbx { get; }

    public Guid DomainUuid { get; }

    public string TempDirectory => Pbx.Options.TempDirectory;

    public string RecordingsDirectory => Pbx.Options.RecordingsDirectory;

    public static async Task<SandboxTestBed> StartAsync(TimeProvider? time = null)
    {
        var root = Path.Combine(Path.GetTempPath(), "sandbox-bed-" + Guid.NewGuid().ToString("N"));
        var pbx = new SandboxPbx(new SandboxOptions
        {
            TempDirectory = Path.Combine(root, "tmp"),
            RecordingsDirectory = Path.Combine(root, "recordings"),
            TimeProvider = time ?? TimeProvider.System,
        });
        await pbx.StartAsync();
        var domainUuid = Guid.NewGuid();
        pbx.AddDomain(domainUuid, Domain);
        return new SandboxTestBed(pbx, root, domainUuid);
    }

    public Task<EslTestClient> ConnectAsync() =>
        EslTestClient.ConnectAuthenticatedAsync("127.0.0.1", Pbx.EslEndPoint.Port, Pbx.Options.EslPassword);

    public async Task<EslTestClient> ListenAsync(string events, string format = "json")
    {
        var client = await ConnectAsync();
        var reply = await client.CommandAsync($"event {format} {events}");
        Assert.Equal($"+OK event listener enabled {format}", reply.ReplyText);
        return client;
    }

    /// <summary>An inbound call from <paramref name="callerId"/> to <paramref name="destination"/> in <see cref="Domain"/>.</summary>
    public Task<SandboxChannel> CallAsync(string destination = "8000", CallerAudio? voice = null, string callerId = "5551000") =>
        Pbx.PlaceInboundCallAsync(new SandboxCallRequest
        {
            DomainName = Domain,
            Destination = destination,
            CallerIdNumber = callerId,
            CallerIdName = "Test Caller",
            Audio = voice ?? CallerAudio.Silence,
        });

    /// <summary>Writes a mono 8 kHz PCM16 WAV tone and returns its path.</summary>
    public string WriteTone(string name, double frequency, TimeSpan duration)
    {
        Directory.CreateDirectory(_root);
        var path = Path.Combine(_root, name);
        var samples = new short[(int)(duration.TotalSeconds * MediaFormat.SampleRate)];
        using (var tone = new ToneSource(frequency, 0.5))
        {
            tone.Read(samples);
        }

        using var stream = File.Create(path);
        using var writer = new BinaryWriter(stream);
        writer.Write("RIFF"u8);
        writer.Write(36 + (samples.Length * 2));
        writer.Write("WAVE"u8);
        writer.Write("fmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(MediaFormat.SampleRate);
        writer.Write(MediaFormat.SampleRate * 2);
        writer.Write((short)2);
        writer.Write((short)16);
        writer.Write("data"u8);
        writer.Write(samples.Length * 2);
        foreach (var s in samples)
        {
            writer.Write(s);
        }

        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Pbx.DisposeAsync();
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}

/// <summary>Counts the frames a channel reads and how many were silent; completes waits at a frame count.</summary>
public sealed class FrameCounter : IMediaBug
{
    private readonly Lock _gate = new();
    private readonly List<(int Target, TaskCompletionSource Done)> _waits = [];
    private int _frames;
    private int _silentRead;
    private int _silentWrite;
    private bool _record;
    private readonly List<bool> _readSilence = [];

    public int Frames
    {
        get
        {
            lock (_gate)
            {
                return _frames;
            }
        }
    }

    public int SilentWriteFrames
    {
        get
        {
            lock (_gate)
            {
                return _silentWrite;
            }
        }
    }

    public int SilentReadFrames
    {
        get
        {
            lock (_gate)
            {
                return _silentRead;
            }
        }
    }

    /// <summary>From now on, keep whether each read frame was silent.</summary>
    public List<bool> StartRecordingSilence()
    {
        lock (_gate)
        {
            _record = true;
            _readSilence.Clear();
            return _readSilence;
        }
    }

    public bool[] RecordedSilence()
    {
        lock (_gate)
        {
            return [.. _readSilence];
        }
    }

    public Task WaitForFramesAsync(int total)
    {
        lock (_gate)
        {
            if (_frames >= total)
            {
                return Task.CompletedTask;
            }

            var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            _waits.Add((total, done));
            return done.Task.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    public void OnFrame(long tick, ReadOnlySpan<short> read, ReadOnlySpan<short> write)
    {
        var readSilent = IsSilent(read);
        var writeSilent = IsSilent(write);
        lock (_gate)
        {
            _frames++;
            if (readSilent)
            {
                _silentRead++;
            }

            if (writeSilent)
            {
                _silentWrite++;
            }

            if (_record)
            {
                _readSilence.Add(readSilent);
            }

            for (var i = _waits.Count - 1; i >= 0; i--)
            {
                if (_frames >= _waits[i].Target)
                {
                    _waits[i].Done.TrySetResult();
                    _waits.RemoveAt(i);
                }
            }
        }
    }

    private static bool IsSilent(ReadOnlySpan<short> frame)
    {
        foreach (var s in frame)
        {
            if (s > 100 || s < -100)
            {
                return false;
            }
        }

        return true;
    }
}
