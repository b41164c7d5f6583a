using System.Globalization;

namespace Switchboard.Sandbox.Dialplan;

/// <summary>What a <c>playback</c> argument names: a file, <c>tone_stream://</c>, <c>local_stream://</c> or <c>silence_stream://</c>.</summary>
internal sealed record PlaybackSource(string Path, string? StreamType, TimeSpan? Duration)
{
    /// <summary>Resolves a playback argument; null when FreeSWITCH could not open it (<c>FILE NOT FOUND</c>).</summary>
    public static PlaybackSource? Resolve(string path)
    {
        if (path.StartsWith("tone_stream://", StringComparison.OrdinalIgnoreCase))
        {
            return new PlaybackSource(path, "tone_stream", ToneDuration(path["tone_stream://".Length..]));
        }

        if (path.StartsWith("local_stream://", StringComparison.OrdinalIgnoreCase))
        {
            return new PlaybackSource(path, "local_stream", null);
        }

        if (path.StartsWith("silence_stream://", StringComparison.OrdinalIgnoreCase))
        {
            var ms = HangupCauses.Atoi(path["silence_stream://".Length..].Split(',')[0]);
            return new PlaybackSource(path, "silence_stream", ms < 0 ? null : TimeSpan.FromMilliseconds(ms));
        }

        if (!File.Exists(path))
        {
            return null;
        }

        return new PlaybackSource(path, null, FileDuration(path));
    }

    private static TimeSpan FileDuration(string path)
    {
        var length = new FileInfo(path).Length;
        var extension = System.IO.Path.GetExtension(path).ToLowerInvariant();
        if (extension.Length > 2 && extension[1] == 'r' && int.TryParse(extension[2..], NumberStyles.None, CultureInfo.InvariantCulture, out var khz))
        {
            return TimeSpan.FromSeconds(length / (khz * 1000.0 * 2));
        }

        if (extension == ".wav")
        {
            return WavDuration(path) ?? TimeSpan.Zero;
        }

        // Other formats: assume 8 kHz 8-bit (G.711) so the duration is at least of the right order.
        return TimeSpan.FromSeconds(length / 8000.0);
    }

    private static TimeSpan? WavDuration(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            using var reader = new BinaryReader(stream);
            if (new string(reader.ReadChars(4)) != "RIFF")
            {
                return null;
            }

            reader.ReadInt32();
            if (new string(reader.ReadChars(4)) != "WAVE")
            {
                return null;
            }

            var byteRate = 0;
            while (stream.Position + 8 <= stream.Length)
            {
                var id = new string(reader.ReadChars(4));
                var size = reader.ReadInt32();
                if (id == "fmt ")
                {
                    reader.ReadInt16();
                    reader.ReadInt16();
                    reader.ReadInt32();
                    byteRate = reader.ReadInt32();
                    stream.Seek(size - 12, SeekOrigin.Current);
                }
                else if (id == "data")
                {
                    var bytes = Math.Min(size, stream.Length - stream.Position);
                    return byteRate > 0 ? TimeSpan.FromSeconds(bytes / (double)byteRate) : null;
                }
                else
                {
                    stream.Seek(size + (size & 1), SeekOrigin.Current);
                }
            }
        }
        catch (IOException)
        {
        }

        return null;
    }

    /// <summary>TGML duration: the sum of every <c>%(on,off,freqs)</c> segment times the loop count; endless for <c>loops=-1</c>.</summary>
    private static TimeSpan? ToneDuration(string tgml)
    {
        var loops = 1;
        var total = 0.0;
        foreach (var part in tgml.Split(';'))
        {
            var p = part.Trim();
            if (p.StartsWith("loops=", StringComparison.OrdinalIgnoreCase) || p.StartsWith("L=", StringComparison.OrdinalIgnoreCase))
            {
                loops = HangupCauses.Atoi(p[(p.IndexOf('=', StringComparison.Ordinal) + 1)..]);
                continue;
            }

            var start = p.IndexOf("%(", StringComparison.Ordinal);
            if (start < 0)
            {
                continue;
            }

            var end = p.IndexOf(')', start);
            var fields = p[(start + 2)..(end < 0 ? p.Length : end)].Split(',');
            if (fields.Length >= 2)
            {
                total += HangupCauses.Atoi(fields[0]) + HangupCauses.Atoi(fields[1]);
            }
        }

        return loops < 0 ? null : TimeSpan.FromMilliseconds(total * Math.Max(loops, 1));
    }
}
