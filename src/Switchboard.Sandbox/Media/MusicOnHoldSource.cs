namespace Switchboard.Sandbox.Media;

/// <summary>
/// The sandbox's <c>local_stream://moh</c>: an endless, recognisable generated melody, a C-major
/// arpeggio (<see cref="MelodyFrequencies"/>), each note <see cref="NoteMilliseconds"/> long followed
/// by <see cref="PauseMilliseconds"/> of silence. Tests detect it by those frequencies.
/// </summary>
public sealed class MusicOnHoldSource : IAudioSource
{
    /// <summary>Note length.</summary>
    public const int NoteMilliseconds = 300;

    /// <summary>Silence after each note.</summary>
    public const int PauseMilliseconds = 100;

    private const double Amplitude = 0.2;
    private const int NoteSamples = NoteMilliseconds * MediaFormat.SampleRate / 1000;
    private const int StepSamples = (NoteMilliseconds + PauseMilliseconds) * MediaFormat.SampleRate / 1000;

    private static readonly double[] Melody = [523.25, 659.25, 783.99, 1046.5, 783.99, 659.25];

    private readonly Oscillator[] _notes = [.. Melody.Select(f => new Oscillator(f, MediaFormat.SampleRate))];
    private long _position;

    /// <summary>The notes, in order, in Hz (C5 E5 G5 C6 G5 E5).</summary>
    public static IReadOnlyList<double> MelodyFrequencies => Melody;

    public int Read(Span<short> destination)
    {
        for (int i = 0; i < destination.Length; i++, _position++)
        {
            long step = _position / StepSamples;
            int inStep = (int)(_position % StepSamples);
            if (inStep >= NoteSamples)
            {
                destination[i] = 0;
                continue;
            }

            ref Oscillator note = ref _notes[step % Melody.Length];
            if (inStep == 0)
            {
                note.Reset();
            }

            // A short linear fade at both ends of each note avoids clicks.
            double envelope = Math.Min(1.0, Math.Min(inStep, NoteSamples - inStep) / 80.0);
            destination[i] = (short)(note.Next() * envelope * Amplitude * short.MaxValue);
        }

        for (int n = 0; n < _notes.Length; n++)
        {
            _notes[n].Normalize();
        }

        return destination.Length;
    }

    public void Dispose()
    {
    }
}
