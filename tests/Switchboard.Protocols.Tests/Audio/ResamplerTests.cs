using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Tests.Audio;

public class ResamplerTests
{
    private const double Amplitude = 0.5;
    private static readonly int[] Rates = [8000, 16000, 24000, 48000];

    public static TheoryData<int, int> AllPairs()
    {
        var data = new TheoryData<int, int>();
        foreach (int a in Rates)
        {
            foreach (int b in Rates)
            {
                if (a != b)
                {
                    data.Add(a, b);
                }
            }
        }

        return data;
    }

    public static TheoryData<int, int> RoundTrips() => new()
    {
        { 8000, 24000 },
        { 8000, 16000 },
        { 8000, 48000 },
        { 16000, 24000 },
        { 16000, 48000 },
        { 24000, 48000 },
    };

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void A_1_kHz_tone_survives_a_round_trip_with_at_least_60_dB_SNR(int low, int high)
    {
        short[] input = Signals.Tone(low, 1000, low, Amplitude); // one second
        short[] up = Signals.ResampleInFrames(new Resampler(low, high), input);
        short[] back = Signals.ResampleInFrames(new Resampler(high, low), up);

        Assert.Equal(input.Length, back.Length);
        // Skip the start-up transient (both filters filling from silence); the LS fit absorbs the group delay.
        ReadOnlySpan<short> steady = back.AsSpan(low / 20);
        ToneFit fit = Signals.FitTone(steady, 1000, low);

        Assert.True(fit.SnrDb >= 60, $"SNR {fit.SnrDb:F1} dB");
        Assert.InRange(Signals.Db(fit.Amplitude / (Amplitude * 32767)), -0.5, 0.5);
    }

    [Theory]
    [MemberData(nameof(RoundTrips))]
    public void The_round_trip_delay_is_the_sum_of_the_filters_group_delays(int low, int high)
    {
        var up = new Resampler(low, high);
        var down = new Resampler(high, low);
        short[] input = Signals.Tone(low, 1000, low, Amplitude);
        short[] back = Signals.ResampleInFrames(down, Signals.ResampleInFrames(up, input));

        // Linear-phase FIRs of N taps at the virtual rate L·fs delay by (N − 1) / 2 virtual samples.
        double delaySeconds = (up.Filter.DelayInInputSamples / low) + (down.Filter.DelayInInputSamples / high);
        int skip = low / 20;
        ToneFit fit = Signals.FitTone(back.AsSpan(skip), 1000, low);
        // sin(ω(n + skip) − ωτ) = sin(ωn + φ) with φ = ω(skip − τ·fs).
        double expectedPhase = 2 * Math.PI * 1000 * ((double)skip / low - delaySeconds);
        double phaseError = Math.IEEERemainder(fit.Phase - expectedPhase, 2 * Math.PI);

        Assert.InRange(phaseError, -0.01, 0.01);
    }

    [Theory]
    [InlineData(24000, 8000, 5000)]
    [InlineData(48000, 16000, 10000)]
    [InlineData(16000, 8000, 5000)]
    [InlineData(48000, 8000, 5000)]
    [InlineData(48000, 24000, 14000)]
    [InlineData(24000, 16000, 10000)]
    [InlineData(48000, 16000, 8500)]
    public void A_tone_above_the_target_Nyquist_is_attenuated_by_at_least_60_dB(int inputRate, int outputRate, double frequency)
    {
        short[] input = Signals.Tone(inputRate / 2, frequency, inputRate, Amplitude);
        short[] output = Signals.ResampleInFrames(new Resampler(inputRate, outputRate), input);

        double attenuation = Signals.Db(Signals.Rms(output.AsSpan(outputRate / 20)) / Signals.Rms(input));
        Assert.True(attenuation <= -60, $"{frequency} Hz leaks at {attenuation:F1} dB");
    }

    [Theory]
    [InlineData(8000, 24000)]
    [InlineData(8000, 48000)]
    [InlineData(16000, 24000)]
    [InlineData(16000, 48000)]
    public void Up_sampling_adds_no_images_above_60_dB_below_the_tone(int inputRate, int outputRate)
    {
        // Zero-stuffing mirrors a tone at f to k·fs ± f; whatever the fit at f does not explain is an image.
        double frequency = 0.35 * inputRate;
        short[] input = Signals.Tone(inputRate / 2, frequency, inputRate, Amplitude);
        short[] output = Signals.ResampleInFrames(new Resampler(inputRate, outputRate), input);

        ToneFit fit = Signals.FitTone(output.AsSpan(outputRate / 20), frequency, outputRate);
        Assert.True(fit.SnrDb >= 60, $"images at {-fit.SnrDb:F1} dB");
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void The_passband_is_flat_within_half_a_dB_up_to_80_percent_of_the_lower_Nyquist(int inputRate, int outputRate)
    {
        double edge = 0.8 * Math.Min(inputRate, outputRate) / 2;
        var resampler = new Resampler(inputRate, outputRate);
        for (double frequency = 100; frequency <= edge + 1e-9; frequency += (edge - 100) / 12)
        {
            resampler.Reset();
            short[] input = Signals.Tone(inputRate / 4, frequency, inputRate, Amplitude);
            short[] output = Signals.ResampleInFrames(resampler, input);

            ToneFit fit = Signals.FitTone(output.AsSpan(outputRate / 40), frequency, outputRate);
            double gain = Signals.Db(fit.Amplitude / Signals.FitTone(input, frequency, inputRate).Amplitude);
            Assert.True(Math.Abs(gain) <= 0.5, $"{frequency:F0} Hz: {gain:F3} dB");
        }
    }

    [Theory]
    [MemberData(nameof(AllPairs))]
    public void A_constant_signal_comes_out_unchanged_after_the_start_up(int inputRate, int outputRate)
    {
        short[] input = Enumerable.Repeat((short)12345, inputRate / 10).ToArray();
        short[] output = Signals.ResampleInFrames(new Resampler(inputRate, outputRate), input);

        Assert.All(output.Skip(outputRate / 50), s => Assert.InRange(s, 12344, 12346));
    }

    public static TheoryData<int, int, int, int> ChunkCases()
    {
        var data = new TheoryData<int, int, int, int>();
        int seed = 1;
        foreach (int a in Rates)
        {
            foreach (int b in Rates)
            {
                data.Add(a, b, 3000, seed++); // crosses the internal block size
                data.Add(a, b, 9, seed++);    // shorter than a vector and than the decimation factor
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(ChunkCases))]
    public void Resampling_in_random_chunks_equals_resampling_in_one_call(int inputRate, int outputRate, int maxChunk, int seed)
    {
        var random = new Random(seed);
        short[] input = new short[inputRate / 2];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = (short)((Math.Sin(i * 0.05) * 8000) + random.Next(-4000, 4000));
        }

        var whole = new short[Resampler.MaxOutputLength(input.Length, inputRate, outputRate)];
        int wholeCount = new Resampler(inputRate, outputRate).Process(input, whole);

        var chunked = new Resampler(inputRate, outputRate);
        var pieces = new List<short>();
        var buffer = new short[Resampler.MaxOutputLength(maxChunk, inputRate, outputRate)];
        for (int offset = 0; offset < input.Length;)
        {
            int size = Math.Min(random.Next(0, maxChunk + 1), input.Length - offset);
            int written = chunked.Process(input.AsSpan(offset, size), buffer);
            Assert.InRange(written, 0, Resampler.MaxOutputLength(size, inputRate, outputRate));
            pieces.AddRange(buffer.AsSpan(0, written));
            offset += size;
        }

        Assert.Equal(whole.AsSpan(0, wholeCount).ToArray(), pieces.ToArray());
        Assert.Equal(Resampler.MaxOutputLength(input.Length, inputRate, outputRate), wholeCount);
    }

    [Theory]
    [InlineData(8000, 24000, 160, 480)]
    [InlineData(24000, 8000, 480, 160)]
    [InlineData(16000, 8000, 320, 160)]
    [InlineData(24000, 16000, 160, 107)]
    [InlineData(16000, 24000, 1, 2)]
    [InlineData(48000, 8000, 1, 1)]
    [InlineData(8000, 48000, 0, 0)]
    public void MaxOutputLength_rounds_the_rate_ratio_up(int inputRate, int outputRate, int inputLength, int expected) =>
        Assert.Equal(expected, Resampler.MaxOutputLength(inputLength, inputRate, outputRate));

    [Theory]
    [InlineData(8000, 24000)]
    [InlineData(24000, 16000)]
    [InlineData(48000, 16000)]
    public void Twenty_ms_frames_produce_exactly_twenty_ms_of_output_each(int inputRate, int outputRate)
    {
        var resampler = new Resampler(inputRate, outputRate);
        var input = new short[inputRate / 50];
        var output = new short[Resampler.MaxOutputLength(input.Length, inputRate, outputRate)];
        for (int i = 0; i < 20; i++)
        {
            Assert.Equal(outputRate / 50, resampler.Process(input, output));
        }
    }

    [Fact]
    public void Reset_forgets_the_history()
    {
        short[] input = Signals.Tone(480, 1000, 24000);
        var resampler = new Resampler(24000, 16000);
        var first = new short[400];
        var second = new short[400];
        int n1 = resampler.Process(input, first);
        resampler.Process(Signals.Tone(123, 3000, 24000), second);
        resampler.Reset();
        int n2 = resampler.Process(input, second);

        Assert.Equal(first.AsSpan(0, n1).ToArray(), second.AsSpan(0, n2).ToArray());
    }

    [Fact]
    public void Process_allocates_nothing_after_construction()
    {
        var resampler = new Resampler(8000, 24000);
        var input = Signals.Tone(160, 1000, 8000);
        var output = new short[480];
        resampler.Process(input, output);

        long before = GC.GetAllocatedBytesForCurrentThread();
        for (int i = 0; i < 200; i++)
        {
            resampler.Process(input, output);
        }

        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - before);
    }

    [Fact]
    public void Resamplers_for_the_same_ratio_share_one_coefficient_table() =>
        Assert.Same(new Resampler(8000, 24000).Filter.Coefficients, new Resampler(16000, 48000).Filter.Coefficients);

    [Fact]
    public void A_too_small_output_is_rejected() =>
        Assert.Throws<ArgumentException>(() => new Resampler(8000, 24000).Process(new short[160], new short[479]));

    [Theory]
    [InlineData(44100, 8000)]
    [InlineData(8000, 11025)]
    [InlineData(0, 8000)]
    [InlineData(8000, -16000)]
    public void Unsupported_rates_are_rejected(int inputRate, int outputRate)
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new Resampler(inputRate, outputRate));
        Assert.Throws<ArgumentOutOfRangeException>(() => Resampler.MaxOutputLength(160, inputRate, outputRate));
    }

    [Fact]
    public void The_same_rate_passes_samples_through()
    {
        short[] input = Signals.Tone(320, 1000, 16000);
        var output = new short[320];
        Assert.Equal(320, new Resampler(16000, 16000).Process(input, output));
        Assert.Equal(input, output);
    }
}
