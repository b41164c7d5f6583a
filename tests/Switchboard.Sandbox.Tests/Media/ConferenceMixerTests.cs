using Switchboard.Sandbox.Media;
using Switchboard.Sandbox.Tests.Media.Support;

namespace Switchboard.Sandbox.Tests.Media;

public sealed class ConferenceMixerTests : IAsyncLifetime
{
    private readonly MediaTestBed _bed = new();
    private readonly ConferenceMixer _conference = new("C1");
    private MediaChannel _a = null!;
    private MediaChannel _b = null!;
    private MediaChannel _c = null!;
    private FrameTap _tapA = null!;
    private FrameTap _tapB = null!;

    public Task InitializeAsync()
    {
        _a = new MediaChannel("a", _bed.Clock) { Source = new ToneSource(600, 0.2) };
        _b = new MediaChannel("b", _bed.Clock) { Source = new ToneSource(1000, 0.2) };
        _c = new MediaChannel("c", _bed.Clock) { Source = new ToneSource(1400, 0.2) };
        _tapA = new FrameTap();
        _tapB = new FrameTap();
        _a.AttachBug(_tapA);
        _b.AttachBug(_tapB);
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
        await _c.DisposeAsync();
        _conference.Dispose();
        await _bed.DisposeAsync();
    }

    private List<short[]> HeardByA(int skip) => _tapA.Frames.Skip(skip).Select(f => f.Write).ToList();

    [Fact]
    public void Each_member_hears_the_others_but_not_itself()
    {
        _conference.Join(_a);
        _conference.Join(_b);
        _conference.Join(_c);
        _bed.Tick(40); // past the enter tones

        List<short[]> heard = HeardByA(30);
        Assert.All(heard, w => Assert.True(AudioAnalysis.ToneRatio(w, 1000, 8000) > 0.2));
        Assert.All(heard, w => Assert.True(AudioAnalysis.ToneRatio(w, 1400, 8000) > 0.2));
        Assert.All(heard, w => Assert.True(AudioAnalysis.ToneRatio(w, 600, 8000) < 0.01));
        Assert.All(_tapB.Frames.Skip(30), f => Assert.True(AudioAnalysis.ToneRatio(f.Write, 600, 8000) > 0.2));
    }

    [Fact]
    public void A_muted_member_is_not_heard_and_unmute_brings_it_back_within_two_frames()
    {
        _conference.Join(_a);
        ConferenceMember b = _conference.Join(_b, canSpeak: false);
        _bed.Tick(30);
        Assert.All(HeardByA(20), w => Assert.True(AudioAnalysis.IsSilent(w)));
        // Muted or not, B's own stream still carries B's voice (Q5).
        Assert.All(_tapB.Frames.Skip(20), f => Assert.True(AudioAnalysis.HasTone(f.Read, 1000)));

        b.CanSpeak = true;
        _bed.Tick(2);
        Assert.All(HeardByA(30), w => Assert.True(AudioAnalysis.HasTone(w, 1000)));
    }

    [Fact]
    public void A_deaf_member_hears_nothing_but_is_still_heard()
    {
        ConferenceMember a = _conference.Join(_a);
        _conference.Join(_b);
        a.CanHear = false;
        _bed.Tick(30);
        Assert.All(HeardByA(0), w => Assert.True(AudioAnalysis.IsSilent(w)));
        Assert.All(_tapB.Frames.Skip(20), f => Assert.True(AudioAnalysis.HasTone(f.Write, 600)));
    }

    [Fact]
    public void A_lone_member_hears_the_enter_tone_then_music_on_hold_until_someone_joins()
    {
        _conference.Join(_a);
        _bed.Tick(60);
        List<short[]> heard = HeardByA(0);
        // tone_stream://%(200,0,500,600,700): 10 frames of the three-tone chord.
        Assert.All(heard.Take(10), w => Assert.True(AudioAnalysis.ToneRatio(w, 500, 8000) > 0.1 && AudioAnalysis.ToneRatio(w, 700, 8000) > 0.1));
        Assert.Contains(heard.Skip(10), w => AudioAnalysis.HasTone(w, MusicOnHoldSource.MelodyFrequencies[0]));
        Assert.Contains(heard.Skip(10), w => AudioAnalysis.HasTone(w, MusicOnHoldSource.MelodyFrequencies[1]));

        _conference.Join(_b);
        _bed.Tick(40);
        List<short[]> together = HeardByA(80);
        Assert.All(together, w => Assert.True(AudioAnalysis.HasTone(w, 1000)));
    }

    [Fact]
    public void The_member_left_alone_after_a_kick_hears_the_exit_tone_then_music_on_hold()
    {
        _conference.Join(_a);
        ConferenceMember b = _conference.Join(_b);
        _bed.Tick(20);
        Assert.True(_conference.Leave(b));
        Assert.Null(_b.ConferenceMember);
        _bed.Tick(60);

        List<short[]> heard = HeardByA(20);
        Assert.True(AudioAnalysis.ToneRatio(heard[0], 300, 8000) > 0.05);
        Assert.DoesNotContain(heard, w => AudioAnalysis.HasTone(w, 1000));
        Assert.Contains(heard.Skip(25), w => AudioAnalysis.HasTone(w, MusicOnHoldSource.MelodyFrequencies[0]));
    }

    [Fact]
    public void Loud_members_saturate_instead_of_wrapping()
    {
        _a.Source = new ToneSource(1000, 1.0);
        _b.Source = new ToneSource(1000, 1.0);
        _c.Source = new ToneSource(1000, 1.0);
        _conference.Join(_a);
        _conference.Join(_b);
        _conference.Join(_c);
        _bed.Tick(30);
        short[] heard = HeardByA(25)[0];
        Assert.Equal(short.MaxValue, heard.Max());
        Assert.Equal(short.MinValue, heard.Min());
        Assert.True(AudioAnalysis.HasTone(heard, 1000));
    }
}
