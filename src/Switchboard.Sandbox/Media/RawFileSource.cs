namespace Switchboard.Sandbox.Media;

/// <summary>
/// A headerless L16 file (<c>.r8</c>, <c>.r16</c>, … as written by mod_audio_stream), converted to 8 kHz.
/// </summary>
public sealed class RawFileSource : ResamplingSource
{
    private readonly PcmFileReader _reader;

    /// <summary>Opens <paramref name="path"/> as raw PCM16 LE mono at <paramref name="sampleRate"/>. Throws if it cannot be opened.</summary>
    public RawFileSource(string path, int sampleRate, bool loop = false)
        : base(sampleRate)
    {
        _reader = new PcmFileReader(PcmFileReader.Open(path), 0, -1, loop);
    }

    /// <summary>The rate implied by an <c>.rN</c> extension (<c>.r8</c> = 8000, <c>.r16</c> = 16000, …), or 0.</summary>
    public static int RateFromExtension(string path)
    {
        string extension = Path.GetExtension(path);
        if (extension.Length < 3 || (extension[1] != 'r' && extension[1] != 'R'))
        {
            return 0;
        }

        return int.TryParse(extension.AsSpan(2), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out int k)
            && k is 8 or 16 or 24 or 32 or 48 or 64
            ? k * 1000
            : 0;
    }

    protected override int ReadInput(Span<short> destination) => _reader.Read(destination);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _reader.Dispose();
        }

        base.Dispose(disposing);
    }
}
