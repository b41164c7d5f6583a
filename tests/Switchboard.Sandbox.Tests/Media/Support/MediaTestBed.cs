using Switchboard.Fakes;
using Switchboard.Sandbox.Media;

namespace Switchboard.Sandbox.Tests.Media.Support;

/// <summary>A media clock driven tick by tick, plus a private temp directory for fixture files.</summary>
public sealed class MediaTestBed : IAsyncDisposable
{
    public MediaTestBed()
    {
        Time = new ManualTimeProvider();
        Clock = new MediaClock(Time);
        Directory = Path.Combine(Path.GetTempPath(), "switchboard-media-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
    }

    public ManualTimeProvider Time { get; }

    public MediaClock Clock { get; }

    public string Directory { get; }

    /// <summary>Runs <paramref name="count"/> ticks synchronously.</summary>
    public void Tick(int count = 1)
    {
        for (int i = 0; i < count; i++)
        {
            Clock.Tick();
        }
    }

    /// <summary>Writes a raw 8 kHz tone file (<c>.r8</c>) of <paramref name="frames"/> 20 ms frames.</summary>
    public string ToneFile(string name, double frequency, int frames, int sampleRate = 8000)
    {
        string path = Path.Combine(Directory, name);
        short[] samples = AudioAnalysis.Tone(frequency, sampleRate, frames * sampleRate / 50);
        if (name.EndsWith(".wav", StringComparison.Ordinal))
        {
            AudioAnalysis.WriteWav(path, samples, sampleRate);
        }
        else
        {
            File.WriteAllBytes(path, AudioAnalysis.Bytes(samples));
        }

        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await Clock.DisposeAsync();
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
