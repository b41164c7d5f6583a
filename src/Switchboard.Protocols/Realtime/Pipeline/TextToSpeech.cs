using System.Buffers;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Realtime.Pipeline;

/// <summary>A text-to-speech service that streams the spoken text as PCM16 mono at the call's rate.</summary>
public interface ITextToSpeech
{
    /// <summary>The rate of the audio <see cref="SynthesizeAsync"/> yields (the call rate).</summary>
    int OutputSampleRate { get; }

    /// <summary>
    /// Speaks <paramref name="text"/>: PCM16 chunks as the provider streams them, converted to <see cref="OutputSampleRate"/>.
    /// Each chunk is valid until the next is requested (the buffer is reused). Throws <see cref="ProviderHttpException"/>
    /// when the provider refuses.
    /// </summary>
    IAsyncEnumerable<ReadOnlyMemory<byte>> SynthesizeAsync(string text, CancellationToken cancellationToken);
}

/// <summary>Turns a provider's streamed audio body (PCM16 at some rate, or µ-law 8 kHz) into PCM16 at the call rate.</summary>
internal static class TtsAudioStream
{
    private const int ReadSize = 4096;

    /// <summary>The call rates the resampler converts to: 8, 16, 24 or 48 kHz.</summary>
    public static int CheckCallRate(int callSampleRate, [System.Runtime.CompilerServices.CallerArgumentExpression(nameof(callSampleRate))] string? name = null) =>
        callSampleRate is 8000 or 16000 or 24000 or 48000
            ? callSampleRate
            : throw new ArgumentOutOfRangeException(name, callSampleRate, "The call rate must be 8, 16, 24 or 48 kHz.");

    public static async IAsyncEnumerable<ReadOnlyMemory<byte>> ConvertAsync(
        Stream body, bool muLaw, int sourceRate, int outputRate, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        Resampler? resampler = sourceRate == outputRate ? null : new Resampler(sourceRate, outputRate);
        byte[] read = ArrayPool<byte>.Shared.Rent(ReadSize + 1);
        short[] samples = ArrayPool<short>.Shared.Rent(ReadSize);
        byte[] output = ArrayPool<byte>.Shared.Rent((Resampler.MaxOutputLength(ReadSize, sourceRate, outputRate) + 8) * 2);
        int carry = 0; // an odd PCM16 byte left from the previous read
        try
        {
            while (true)
            {
                int n = await body.ReadAsync(read.AsMemory(carry, ReadSize), cancellationToken);
                if (n == 0)
                {
                    yield break;
                }

                int count;
                if (muLaw)
                {
                    count = n;
                    G711.MuLawDecode(read.AsSpan(0, n), samples.AsSpan(0, n));
                }
                else
                {
                    int available = carry + n;
                    count = available / 2;
                    Pcm16.AsSamples(read.AsSpan(0, count * 2)).CopyTo(samples);
                    carry = available - (count * 2);
                    if (carry == 1)
                    {
                        read[0] = read[available - 1];
                    }
                }

                if (count == 0)
                {
                    continue;
                }

                int produced = Produce(resampler, samples.AsSpan(0, count), output);
                if (produced > 0)
                {
                    yield return output.AsMemory(0, produced * 2);
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(read);
            ArrayPool<short>.Shared.Return(samples);
            ArrayPool<byte>.Shared.Return(output);
        }
    }

    private static int Produce(Resampler? resampler, ReadOnlySpan<short> input, byte[] output)
    {
        Span<short> destination = Pcm16.AsSamples(output.AsSpan());
        if (resampler is null)
        {
            input.CopyTo(destination);
            return input.Length;
        }

        return resampler.Process(input, destination);
    }

    /// <summary>Reads an HTTP error body: OpenAI <c>{"error":{"message","code"}}</c> or ElevenLabs <c>{"detail":{"status","message"}}</c>.</summary>
    public static ProviderHttpException Error(string provider, int status, string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            JsonElement root = document.RootElement;
            if (root.ValueKind == JsonValueKind.Object)
            {
                if (root.TryGetProperty("error", out JsonElement e) && e.ValueKind == JsonValueKind.Object)
                {
                    return new ProviderHttpException(provider, status, Text(e, "code") ?? Text(e, "type"), Text(e, "message") ?? e.GetRawText());
                }

                if (root.TryGetProperty("detail", out JsonElement d))
                {
                    return d.ValueKind == JsonValueKind.Object
                        ? new ProviderHttpException(provider, status, Text(d, "status") ?? Text(d, "code"), Text(d, "message") ?? d.GetRawText())
                        : new ProviderHttpException(provider, status, null, d.ToString());
                }
            }
        }
        catch (JsonException)
        {
        }

        return new ProviderHttpException(provider, status, null, body.Length > 500 ? body[..500] : body);

        static string? Text(JsonElement element, string name) =>
            element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
    }
}
