using Switchboard.Protocols.Audio;

namespace Switchboard.LoadTest;

/// <summary>
/// The caller's side of every call: 8 kHz mono WAV, 2 s of silence (the greeting plays undisturbed), then turns
/// of 1.5 s of speech-like tone and 3.5 s of silence, so the agent answers each turn (1 s) before the next.
/// </summary>
public static class CallerWav
{
    public const double TurnSeconds = 5.0;

    public static string Write(string directory, TimeSpan length)
    {
        const int Rate = 8000;
        int total = (int)(length.TotalSeconds * Rate);
        short[] samples = new short[total];
        int lead = 2 * Rate;
        int turn = (int)(TurnSeconds * Rate);
        int speech = (int)(1.5 * Rate);
        short[] voice = new short[speech];
        ToneGenerator.Fill(voice, 440, Rate, 0.25);
        for (int start = lead; start + speech <= total; start += turn)
        {
            voice.CopyTo(samples, start);
        }

        string path = Path.Combine(directory, "caller.wav");
        using FileStream file = File.Create(path);
        WavFile.Write(file, samples, Rate);
        return path;
    }
}
