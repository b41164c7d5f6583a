using System.Collections.Concurrent;

namespace Switchboard.Protocols.Audio;

/// <summary>
/// The anti-aliasing/anti-imaging low-pass of a rational L/M resampler, split into its L polyphase
/// branches. Tables depend only on (L, M), so one instance per ratio is shared by every
/// <see cref="Resampler"/>.
/// </summary>
/// <remarks>
/// Design: a Kaiser-windowed sinc at the virtual rate F = L × inputRate.
/// <list type="bullet">
/// <item>Passband edge 0.8 × the lower rate's Nyquist (3.2 kHz at 8 kHz): telephone speech lives below it, and
/// ±0.5 dB flatness is required up to there.</item>
/// <item>Stopband edge exactly at the lower rate's Nyquist (4 kHz at 8 kHz): nothing that would alias (when
/// decimating) or image (when interpolating) survives; the 20%-wide transition band is what keeps the filter short.</item>
/// <item>70 dB stopband attenuation: 10 dB of margin over the 60 dB target and far below the ~38 dB SNR of
/// G.711, so the resampler is never the weakest link on a telephone path. Kaiser β = 0.1102 (A − 8.7).</item>
/// <item>Length from Kaiser's estimate N = (A − 7.95) / (2.285 Δω) + 1, rounded up so each branch has a
/// multiple of 8 taps (a multiple of 4·M for pure decimation, so each of the M input planes gets a multiple
/// of 4) to suit the vector kernels; the extra taps only sharpen the filter.</item>
/// </list>
/// Each branch is normalised to unity DC gain, which supplies the factor L lost to zero-stuffing and keeps
/// a constant input from picking up a ripple at the input rate.
/// </remarks>
internal sealed class PolyphaseFilter
{
    internal const double StopbandAttenuationDb = 70;
    internal const double PassbandEdge = 0.8;
    internal const double StopbandEdge = 1.0;

    private static readonly ConcurrentDictionary<(int L, int M), PolyphaseFilter> Cache = new();

    private PolyphaseFilter(int interpolation, int decimation)
    {
        Interpolation = interpolation;
        Decimation = decimation;
        if (interpolation == 1 && decimation == 1)
        {
            TapsPerPhase = 1;
            Coefficients = [1f];
            PlaneCoefficients = Coefficients;
            return;
        }

        // Normalised to the virtual rate F: the lower of the two rates is F / max(L, M).
        double lowerNyquist = 0.5 / Math.Max(interpolation, decimation);
        double cutoff = (PassbandEdge + StopbandEdge) / 2 * lowerNyquist;
        double transition = 2 * Math.PI * (StopbandEdge - PassbandEdge) * lowerNyquist;
        int estimate = (int)Math.Ceiling((StopbandAttenuationDb - 7.95) / (2.285 * transition)) + 1;
        int taps = (estimate + interpolation - 1) / interpolation;
        int alignment = interpolation == 1 ? 4 * decimation : 8;
        TapsPerPhase = (taps + alignment - 1) / alignment * alignment;
        int length = TapsPerPhase * interpolation;

        double beta = 0.1102 * (StopbandAttenuationDb - 8.7);
        double center = (length - 1) / 2.0;
        var prototype = new double[length];
        for (int n = 0; n < length; n++)
        {
            double t = n - center;
            double x = 2 * cutoff * t;
            double sinc = t == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);
            double r = t / center;
            double window = BesselI0(beta * Math.Sqrt(Math.Max(0, 1 - (r * r)))) / BesselI0(beta);
            prototype[n] = 2 * cutoff * sinc * window;
        }

        // Branch p holds h[p + j·L]; stored reversed so that a dot product with the input window laid out
        // oldest→newest computes y = Σ_j h[p + j·L] · x[i − j].
        Coefficients = new float[length];
        for (int p = 0; p < interpolation; p++)
        {
            double sum = 0;
            for (int j = 0; j < TapsPerPhase; j++)
            {
                sum += prototype[p + (j * interpolation)];
            }

            for (int j = 0; j < TapsPerPhase; j++)
            {
                Coefficients[(p * TapsPerPhase) + (TapsPerPhase - 1 - j)] = (float)(prototype[p + (j * interpolation)] / sum);
            }
        }

        // For pure decimation the input is split into M planes (plane s holds every M-th sample from offset s);
        // plane s meets taps s, s + M, s + 2M… of the branch.
        PlaneCoefficients = Coefficients;
        if (interpolation == 1)
        {
            int perPlane = TapsPerPhase / decimation;
            PlaneCoefficients = new float[TapsPerPhase];
            for (int k = 0; k < TapsPerPhase; k++)
            {
                PlaneCoefficients[((k % decimation) * perPlane) + (k / decimation)] = Coefficients[k];
            }
        }
    }

    /// <summary>Up-sampling factor L.</summary>
    public int Interpolation { get; }

    /// <summary>Down-sampling factor M.</summary>
    public int Decimation { get; }

    /// <summary>Taps per polyphase branch; the prototype filter has L × this many.</summary>
    public int TapsPerPhase { get; }

    /// <summary>L branches of <see cref="TapsPerPhase"/> reversed taps each.</summary>
    public float[] Coefficients { get; }

    /// <summary>For L = 1: the branch regrouped by input plane, M runs of TapsPerPhase / M taps. Otherwise <see cref="Coefficients"/>.</summary>
    public float[] PlaneCoefficients { get; }

    /// <summary>Group delay of the linear-phase prototype, in input samples.</summary>
    public double DelayInInputSamples => ((TapsPerPhase * Interpolation) - 1) / 2.0 / Interpolation;

    public static PolyphaseFilter Get(int interpolation, int decimation) =>
        Cache.GetOrAdd((interpolation, decimation), static key => new PolyphaseFilter(key.L, key.M));

    /// <summary>Modified Bessel function of the first kind, order 0, by its power series (converges fast for β ≤ 10).</summary>
    private static double BesselI0(double x)
    {
        double sum = 1;
        double term = 1;
        double half = x / 2;
        for (int k = 1; k < 64; k++)
        {
            term *= half / k * (half / k);
            sum += term;
            if (term < sum * 1e-17)
            {
                break;
            }
        }

        return sum;
    }
}
