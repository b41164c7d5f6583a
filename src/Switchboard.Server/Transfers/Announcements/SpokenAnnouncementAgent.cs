using Switchboard.Protocols.Realtime.Pipeline;
using Switchboard.Server.Calls;

namespace Switchboard.Server.Transfers.Announcements;

/// <summary>
/// The announcer without an AI voice: says the announcement (who calls, for whom, why, and the keys) with the local
/// speech synthesiser and repeats it after a pause until the human decides by key. Also the last resort of the AI
/// announcer when its providers fail. Without a synthesiser, the <see cref="PhrasePlayer"/> cue plays instead.
/// </summary>
public sealed class SpokenAnnouncementAgent(string text, Func<string, int, ITextToSpeech?> speech, TimeProvider time) : ICallAgent
{
    /// <summary>Pause between repeats of the announcement.</summary>
    public static readonly TimeSpan RepeatAfter = TimeSpan.FromSeconds(4);

    /// <summary>Times the announcement was handed to playback.</summary>
    public int TimesSpoken { get; private set; }

    public void OnCallerAudio(ReadOnlySpan<byte> frame)
    {
    }

    public void OnDtmf(char digit)
    {
    }

    public void OnCallerText(string text)
    {
    }

    public async Task RunAsync(CallSession session, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(session);
        byte[] pcm = await RenderAsync(session.Language, session.Metadata.SampleRate, cancellationToken);
        try
        {
            while (!cancellationToken.IsCancellationRequested)
            {
                await session.Playback.WriteAsync(pcm, cancellationToken);
                await session.Playback.FlushAsync(cancellationToken);
                TimesSpoken++;
                TimeSpan length = TimeSpan.FromSeconds(pcm.Length / 2.0 / session.Metadata.SampleRate);
                await Task.Delay(length + RepeatAfter, time, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;

    private async Task<byte[]> RenderAsync(string language, int sampleRate, CancellationToken cancellationToken)
    {
        if (speech(language, sampleRate) is { } tts)
        {
            try
            {
                using var buffer = new MemoryStream();
                await foreach (ReadOnlyMemory<byte> chunk in tts.SynthesizeAsync(text, cancellationToken))
                {
                    buffer.Write(chunk.Span);
                }

                if (buffer.Length > 0)
                {
                    return buffer.ToArray();
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // No synthesiser here: the cue below still tells the human something is announced.
            }
        }

        return PhrasePlayer.Cue(sampleRate);
    }
}
