using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using Switchboard.Protocols.Audio;
using Switchboard.Protocols.Realtime.Pipeline;
using Switchboard.Server.Secretaries.Prompts;

namespace Switchboard.Server.Calls;

/// <summary>
/// Says the call's own short phrases ("um momento, por favor") when no provider can: rendered once per language
/// and rate with the local speech synthesiser and kept, so the caller hears it at once. Without a synthesiser it
/// plays a soft two-note cue instead: never silence.
/// </summary>
public sealed partial class PhrasePlayer(Func<string, int, ITextToSpeech?> speech, ILogger<PhrasePlayer> logger)
{
    private readonly ConcurrentDictionary<(CallerPhrase, string, int), byte[]> _rendered = new();

    /// <summary>The text of a phrase in a language (pt-BR when the language is not known).</summary>
    public static string Text(CallerPhrase phrase, string language) => phrase switch
    {
        CallerPhrase.OneMoment => CallerPhrases.For(language).OneMoment,
        _ => "",
    };

    public async Task SpeakAsync(CallSession session, CallerPhrase phrase, CancellationToken cancellationToken)
    {
        byte[] pcm = await RenderAsync(phrase, session.Language, session.Metadata.SampleRate, cancellationToken);
        await session.Playback.WriteAsync(pcm, cancellationToken);
        await session.Playback.FlushAsync(cancellationToken);
        DateTimeOffset now = DateTimeOffset.UtcNow;
        session.Recorder?.AddTurn(ConversationSpeaker.Agent, Text(phrase, session.Language), now, now);
    }

    /// <summary>The phrase as PCM16 at <paramref name="sampleRate"/>; cached after the first time.</summary>
    public async Task<byte[]> RenderAsync(CallerPhrase phrase, string language, int sampleRate, CancellationToken cancellationToken)
    {
        var key = (phrase, Language(language), sampleRate);
        if (_rendered.TryGetValue(key, out byte[]? cached))
        {
            return cached;
        }

        byte[] pcm;
        try
        {
            pcm = await SynthesizeAsync(Text(phrase, language), language, sampleRate, cancellationToken) ?? Cue(sampleRate);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Log.SpeechUnavailable(logger, ex);
            pcm = Cue(sampleRate);
        }

        _rendered[key] = pcm;
        return pcm;
    }

    private async Task<byte[]?> SynthesizeAsync(string text, string language, int sampleRate, CancellationToken cancellationToken)
    {
        if (speech(language, sampleRate) is not { } tts)
        {
            return null;
        }

        using var buffer = new MemoryStream();
        await foreach (ReadOnlyMemory<byte> chunk in tts.SynthesizeAsync(text, cancellationToken))
        {
            buffer.Write(chunk.Span);
        }

        return buffer.Length > 0 ? buffer.ToArray() : null;
    }

    /// <summary>Two soft notes (0.6 s) that say "wait" without words.</summary>
    public static byte[] Cue(int sampleRate)
    {
        int note = sampleRate * 3 / 10;
        short[] samples = new short[note * 2];
        ToneGenerator.Fill(samples.AsSpan(0, note), 523.25, sampleRate, 0.2);
        ToneGenerator.Fill(samples.AsSpan(note), 659.25, sampleRate, 0.2);
        return MemoryMarshal.AsBytes(samples.AsSpan()).ToArray();
    }

    private static string Language(string language) =>
        language.StartsWith("en", StringComparison.OrdinalIgnoreCase) ? "en"
        : language.StartsWith("es", StringComparison.OrdinalIgnoreCase) ? "es"
        : "pt";

    private static partial class Log
    {
        [LoggerMessage(2210, LogLevel.Warning, "Speech synthesis unavailable for call phrases; a cue tone is played instead")]
        public static partial void SpeechUnavailable(ILogger logger, Exception exception);
    }
}
