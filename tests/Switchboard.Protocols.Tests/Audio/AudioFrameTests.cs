using Switchboard.Protocols.Audio;

namespace Switchboard.Protocols.Tests.Audio;

public class AudioFrameTests
{
    [Fact]
    public void A_rented_frame_has_the_requested_length_and_rate()
    {
        using AudioFrame frame = AudioFrame.Rent(320, 8000);
        frame.Sequence = 42;
        Assert.Equal(320, frame.Length);
        Assert.Equal(320, frame.Span.Length);
        Assert.Equal(320, frame.Memory.Length);
        Assert.Equal(160, frame.Samples.Length);
        Assert.Equal(8000, frame.SampleRate);
        Assert.Equal(42, frame.Sequence);
    }

    [Fact]
    public void A_disposed_frame_refuses_access_to_its_buffer()
    {
        AudioFrame frame = AudioFrame.Rent(320, 8000);
        frame.Dispose();
        Assert.Throws<ObjectDisposedException>(() => frame.Span.Length);
        Assert.Throws<ObjectDisposedException>(() => frame.Memory.Length);
    }

    [Fact]
    public void Disposing_twice_returns_the_frame_to_the_pool_once()
    {
        AudioFrame frame = AudioFrame.Rent(640, 16000);
        frame.Dispose();
        frame.Dispose();

        // Had the second dispose enqueued the object again, two live rentals could share it.
        var rented = new List<AudioFrame>();
        for (int i = 0; i < 10_000; i++)
        {
            rented.Add(AudioFrame.Rent(320, 8000));
        }

        Assert.Equal(rented.Count, rented.Distinct(ReferenceEqualityComparer.Instance).Count());
        foreach (AudioFrame f in rented)
        {
            f.Dispose();
        }
    }

    [Fact]
    public void A_recycled_frame_starts_with_a_fresh_sequence_and_length()
    {
        AudioFrame first = AudioFrame.Rent(960, 24000);
        first.Sequence = 7;
        first.Dispose();
        using AudioFrame second = AudioFrame.Rent(320, 8000);
        Assert.Equal(0, second.Sequence);
        Assert.Equal(320, second.Length);
        Assert.Equal(8000, second.SampleRate);
    }

    [Fact]
    public void Steady_state_rent_and_dispose_allocates_nothing()
    {
        for (int i = 0; i < 100; i++)
        {
            AudioFrame.Rent(320, 8000).Dispose();
        }

        // The pool is shared with the tests running beside this one: when they grow its queue, the thread that
        // enqueues next pays for the new segment once. A steady state allocates nothing: one of three rounds shows it.
        var rounds = new List<long>();
        for (int round = 0; round < 3 && (rounds.Count == 0 || rounds[^1] != 0); round++)
        {
            long before = GC.GetAllocatedBytesForCurrentThread();
            for (int i = 0; i < 1000; i++)
            {
                using AudioFrame frame = AudioFrame.Rent(320, 8000);
                frame.Span[0] = 1;
            }

            rounds.Add(GC.GetAllocatedBytesForCurrentThread() - before);
        }

        Assert.Equal(0, rounds[^1]);
    }
}
