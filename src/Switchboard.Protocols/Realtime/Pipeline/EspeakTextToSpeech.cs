using System.Buffers.Binary;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Realtime.Pipeline;

/// <summary>eSpeak NG settings for <see cref="EspeakTextToSpeech"/>.</summary>
public sealed record EspeakTtsOptions
{
    /// <summary>The program to run: a name looked up on <c>PATH</c> or a full path.</summary>
    public string ExecutablePath { get; init; } = "espeak-ng";

    /// <summary>An eSpeak voice (<c>pt-br</c>, <c>en-us+f3</c>, ...) that replaces the one chosen from the language.</summary>
    public string? Voice { get; init; }

    /// <summary>Speed in words per minute (<c>-s</c>, 80–450); null = eSpeak's default (175).</summary>
    public int? WordsPerMinute { get; init; }

    /// <summary>Bound of the rendered-phrase cache, in bytes of call-rate PCM (a 3 s phrase at 8 kHz is 48 kB); 0 disables it.</summary>
    public long CacheBytes { get; init; } = 8L << 20;
}

/// <summary>
/// Offline speech with eSpeak NG: one <c>espeak-ng --stdout</c> process per phrase (the text goes in on stdin, never
/// through a shell or the command line), its 22.05 kHz WAV converted to PCM16 at the call rate. Rendered phrases are kept
/// in a least-recently-used cache bounded by bytes, so the menu a caller hears again costs no process. Thread-safe.
/// </summary>
public sealed class EspeakTextToSpeech : ITextToSpeech
{
    private const int MaxWavBytes = 32 << 20;
    private const int ChunkBytes = 8000;
    private const int BridgeRate = 24000; // eSpeak's 22.05 kHz is interpolated to this rate, which the Resampler converts

    private readonly EspeakTtsOptions _options;
    private readonly Lock _lock = new();
    private readonly Dictionary<string, LinkedListNode<CacheEntry>> _cache = new(StringComparer.Ordinal);
    private readonly LinkedList<CacheEntry> _recent = new(); // most recently used first
    private long _cachedBytes;
    private long _processesStarted;

    public EspeakTextToSpeech(EspeakTtsOptions options, string language, int callSampleRate)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ExecutablePath);
        ArgumentOutOfRangeException.ThrowIfNegative(options.CacheBytes);
        if (options.WordsPerMinute is int wpm)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(wpm, 80, nameof(options));
            ArgumentOutOfRangeException.ThrowIfGreaterThan(wpm, 450, nameof(options));
        }

        _options = options;
        Voice = options.Voice ?? VoiceFor(language);
        OutputSampleRate = TtsAudioStream.CheckCallRate(callSampleRate);
    }

    public int OutputSampleRate { get; }

    /// <summary>The eSpeak voice in use.</summary>
    public string Voice { get; }

    /// <summary>How many eSpeak processes were started (cache misses).</summary>
    public long ProcessesStarted => Interlocked.Read(ref _processesStarted);

    /// <summary>Bytes of PCM held by the phrase cache.</summary>
    public long CachedBytes
    {
        get
        {
            lock (_lock)
            {
                return _cachedBytes;
            }
        }
    }

    /// <summary>The eSpeak voice for a language tag: <c>pt-BR</c> → <c>pt-br</c>, <c>en-US</c> → <c>en-us</c>, <c>es</c> → <c>es</c>.</summary>
    public static string VoiceFor(string language)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(language);
        string tag = language.Trim().Replace('_', '-').ToLowerInvariant();
        return tag switch
        {
            "pt" or "pt-br" => "pt-br",
            "pt-pt" => "pt",
            "en" or "en-us" => "en-us",
            "en-gb" => "en-gb",
            "es" or "es-es" => "es",
            _ when tag.StartsWith("es-", StringComparison.Ordinal) => "es-419",
            _ when tag.StartsWith("en-", StringComparison.Ordinal) => "en-us",
            _ => tag,
        };
    }

    public async IAsyncEnumerable<ReadOnlyMemory<byte>> SynthesizeAsync(string text, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        string key = _options.WordsPerMinute + "|" + text;
        byte[] pcm = TryGetCached(key) ?? await RenderAsync(text, key, cancellationToken);
        for (int offset = 0; offset < pcm.Length; offset += ChunkBytes)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return pcm.AsMemory(offset, Math.Min(ChunkBytes, pcm.Length - offset));
        }
    }

    private byte[]? TryGetCached(string key)
    {
        lock (_lock)
        {
            if (!_cache.TryGetValue(key, out LinkedListNode<CacheEntry>? node))
            {
                return null;
            }

            _recent.Remove(node);
            _recent.AddFirst(node);
            return node.Value.Pcm;
        }
    }

    private async Task<byte[]> RenderAsync(string text, string key, CancellationToken cancellationToken)
    {
        byte[] wav = await RunEspeakAsync(text, cancellationToken);
        short[] samples = ReadWav(wav, out int sourceRate);
        byte[] pcm = Pcm16.AsBytes(Convert(samples, sourceRate, OutputSampleRate).AsSpan()).ToArray();
        Store(key, pcm);
        return pcm;
    }

    private void Store(string key, byte[] pcm)
    {
        if (pcm.Length > _options.CacheBytes)
        {
            return;
        }

        lock (_lock)
        {
            if (_cache.ContainsKey(key))
            {
                return;
            }

            _cache[key] = _recent.AddFirst(new CacheEntry(key, pcm));
            _cachedBytes += pcm.Length;
            while (_cachedBytes > _options.CacheBytes && _recent.Last is { } oldest)
            {
                _recent.RemoveLast();
                _cache.Remove(oldest.Value.Key);
                _cachedBytes -= oldest.Value.Pcm.Length;
            }
        }
    }

    private async Task<byte[]> RunEspeakAsync(string text, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(_options.ExecutablePath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            CreateNoWindow = true,
            StandardInputEncoding = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false),
        };
        start.ArgumentList.Add("-v");
        start.ArgumentList.Add(Voice);
        if (_options.WordsPerMinute is int wpm)
        {
            start.ArgumentList.Add("-s");
            start.ArgumentList.Add(wpm.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        start.ArgumentList.Add("-b");
        start.ArgumentList.Add("1"); // UTF-8 input
        start.ArgumentList.Add("--stdin");
        start.ArgumentList.Add("--stdout");

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            throw new EspeakNotFoundException(_options.ExecutablePath, ex);
        }

        Interlocked.Increment(ref _processesStarted);
        try
        {
            Task<string> errors = process.StandardError.ReadToEndAsync(cancellationToken);
            var output = new MemoryStream();
            Task copy = CopyBoundedAsync(process.StandardOutput.BaseStream, output, cancellationToken);
            await process.StandardInput.WriteAsync(text.AsMemory(), cancellationToken);
            await process.StandardInput.FlushAsync(cancellationToken);
            process.StandardInput.Close();
            await copy;
            string error = await errors;
            await process.WaitForExitAsync(cancellationToken);
            if (process.ExitCode != 0 || output.Length <= WavFile.HeaderLength)
            {
                throw new EspeakException(
                    $"espeak-ng (voice '{Voice}') exited with code {process.ExitCode} and {output.Length} bytes of audio: {error.Trim()}");
            }

            return output.ToArray();
        }
        catch (IOException ex) when (!cancellationToken.IsCancellationRequested)
        {
            throw new EspeakException($"espeak-ng (voice '{Voice}') failed: {ex.Message}", ex);
        }
        finally
        {
            Kill(process);
        }
    }

    private static void Kill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    private static async Task CopyBoundedAsync(Stream source, MemoryStream destination, CancellationToken cancellationToken)
    {
        byte[] buffer = new byte[16384];
        int n;
        while ((n = await source.ReadAsync(buffer, cancellationToken)) > 0)
        {
            if (destination.Length + n > MaxWavBytes)
            {
                throw new EspeakException($"espeak-ng produced more than {MaxWavBytes} bytes of audio.");
            }

            await destination.WriteAsync(buffer.AsMemory(0, n), cancellationToken);
        }
    }

    /// <summary>
    /// Reads eSpeak's streamed WAV: its RIFF and data sizes are placeholders (<c>0x7FFFF000</c>), so the data chunk is
    /// whatever follows its header.
    /// </summary>
    internal static short[] ReadWav(ReadOnlySpan<byte> wav, out int sampleRate)
    {
        if (wav.Length < 12 || !wav[..4].SequenceEqual("RIFF"u8) || !wav[8..12].SequenceEqual("WAVE"u8))
        {
            throw new EspeakException("espeak-ng did not produce a WAV stream.");
        }

        sampleRate = 0;
        int position = 12;
        while (position + 8 <= wav.Length)
        {
            ReadOnlySpan<byte> id = wav.Slice(position, 4);
            long size = BinaryPrimitives.ReadUInt32LittleEndian(wav[(position + 4)..]);
            int body = position + 8;
            if (id.SequenceEqual("fmt "u8))
            {
                if (size < 16 || body + 16 > wav.Length)
                {
                    throw new EspeakException("espeak-ng produced a truncated WAV format chunk.");
                }

                int format = BinaryPrimitives.ReadUInt16LittleEndian(wav[body..]);
                int channels = BinaryPrimitives.ReadUInt16LittleEndian(wav[(body + 2)..]);
                sampleRate = (int)BinaryPrimitives.ReadUInt32LittleEndian(wav[(body + 4)..]);
                int bits = BinaryPrimitives.ReadUInt16LittleEndian(wav[(body + 14)..]);
                if (format != 1 || channels != 1 || bits != 16 || sampleRate is < 8000 or > 48000)
                {
                    throw new EspeakException($"espeak-ng produced format {format}, {channels} channels, {bits} bits at {sampleRate} Hz; expected mono PCM16.");
                }
            }
            else if (id.SequenceEqual("data"u8))
            {
                if (sampleRate == 0)
                {
                    throw new EspeakException("espeak-ng's WAV data came before its format.");
                }

                int length = (int)Math.Min(size, wav.Length - body) & ~1;
                return Pcm16.AsSamples(wav.Slice(body, length)).ToArray();
            }

            position = (int)Math.Min(int.MaxValue, body + size + (size & 1));
        }

        throw new EspeakException("espeak-ng's WAV has no data chunk.");
    }

    /// <summary>
    /// Converts to the call rate: rates the <see cref="Resampler"/> supports go straight through it; others (eSpeak's
    /// 22.05 kHz) are first linearly interpolated up to 24 kHz, whose images lie far above the telephone band the
    /// resampler's low-pass keeps.
    /// </summary>
    internal static short[] Convert(short[] samples, int sourceRate, int outputRate)
    {
        if (sourceRate is not (8000 or 16000 or 24000 or 48000))
        {
            samples = Interpolate(samples, sourceRate, BridgeRate);
            sourceRate = BridgeRate;
        }

        if (sourceRate == outputRate)
        {
            return samples;
        }

        var resampler = new Resampler(sourceRate, outputRate);
        short[] output = new short[Resampler.MaxOutputLength(samples.Length, sourceRate, outputRate)];
        int produced = resampler.Process(samples, output);
        return produced == output.Length ? output : output[..produced];
    }

    private static short[] Interpolate(short[] samples, int sourceRate, int outputRate)
    {
        if (samples.Length == 0)
        {
            return samples;
        }

        long count = (long)samples.Length * outputRate / sourceRate;
        short[] output = new short[count];
        double step = (double)sourceRate / outputRate;
        for (long i = 0; i < count; i++)
        {
            double position = i * step;
            int index = (int)position;
            double fraction = position - index;
            int next = Math.Min(index + 1, samples.Length - 1);
            output[i] = (short)Math.Round(samples[index] + ((samples[next] - samples[index]) * fraction));
        }

        return output;
    }

    private sealed record CacheEntry(string Key, byte[] Pcm);
}

/// <summary>eSpeak NG failed to speak: it exited with an error or produced no usable audio.</summary>
public class EspeakException : Exception
{
    public EspeakException()
    {
    }

    public EspeakException(string message)
        : base(message)
    {
    }

    public EspeakException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>The <c>espeak-ng</c> program could not be started (not installed or a wrong path).</summary>
public sealed class EspeakNotFoundException : EspeakException
{
    public EspeakNotFoundException()
    {
    }

    public EspeakNotFoundException(string message)
        : base(message)
    {
    }

    public EspeakNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    internal EspeakNotFoundException(string executable, Win32Exception innerException)
        : base($"espeak-ng could not be started from '{executable}': {innerException.Message}. Install it (apt-get install espeak-ng) or set its path.", innerException)
    {
        ExecutablePath = executable;
    }

    /// <summary>The program that could not be started.</summary>
    public string? ExecutablePath { get; }
}
