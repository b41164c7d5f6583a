namespace Switchboard.Sandbox.Media;

/// <summary>
/// The audio of one conference. Every tick each member that can hear gets the saturating sum of the
/// speaking members' read frames minus its own, plus any conference sound being played (enter/exit
/// tones, <see cref="Play"/>). Muted members (<see cref="ConferenceMember.CanSpeak"/> false) are not in
/// the mix; deaf members (<see cref="ConferenceMember.CanHear"/> false) hear nothing. A member alone
/// hears music on hold once no sound is playing (Q5: the enter tone, then MOH). The mix is computed
/// lazily once per tick, in the write phase, when the first member asks for it.
/// </summary>
public sealed class ConferenceMixer : IDisposable
{
    /// <summary>The default profile's enter sound.</summary>
    public const string DefaultEnterSound = "tone_stream://%(200,0,500,600,700)";

    /// <summary>The default profile's exit sound.</summary>
    public const string DefaultExitSound = "tone_stream://%(500,0,300,200,100,50,25)";

    private readonly Lock _gate = new();
    private readonly List<ConferenceMember> _members = [];
    private readonly Queue<IAudioSource> _sounds = new();
    private readonly int[] _sum = new int[MediaFormat.FrameSamples];
    private readonly short[] _sound = new short[MediaFormat.FrameSamples];
    private readonly short[] _moh = new short[MediaFormat.FrameSamples];
    private readonly MusicOnHoldSource _musicOnHold = new();
    private long _mixTick = -1;
    private bool _soundThisTick;
    private bool _alone;
    private bool _disposed;

    /// <summary>Creates a conference mixer; the sounds are <c>tone_stream://</c> or file paths (null = none).</summary>
    public ConferenceMixer(string name, string? enterSound = DefaultEnterSound, string? exitSound = DefaultExitSound)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        EnterSound = enterSound;
        ExitSound = exitSound;
    }

    /// <summary>The conference name.</summary>
    public string Name { get; }

    /// <summary>Played to all members when someone joins.</summary>
    public string? EnterSound { get; }

    /// <summary>Played to the remaining members when someone leaves.</summary>
    public string? ExitSound { get; }

    /// <summary>Whether a lone member hears music on hold (the profile's <c>moh-sound</c>; <c>conference moh on|off</c>).</summary>
    public bool MusicOnHold { get; set; } = true;

    /// <summary>A snapshot of the members.</summary>
    public IReadOnlyList<ConferenceMember> Members
    {
        get
        {
            lock (_gate)
            {
                return [.. _members];
            }
        }
    }

    /// <summary>
    /// Adds a channel (it leaves any bridge and previous conference) and plays the enter sound to everyone.
    /// </summary>
    public ConferenceMember Join(MediaChannel channel, bool canHear = true, bool canSpeak = true)
    {
        ArgumentNullException.ThrowIfNull(channel);
        ConferenceMember? previous = channel.ConferenceMember;
        if (previous is not null)
        {
            previous.Mixer.Leave(previous);
        }

        channel.Unbridge();
        var member = new ConferenceMember(this, channel) { CanHear = canHear, CanSpeak = canSpeak };
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _members.Add(member);
            QueueSound(EnterSound);
        }

        channel.SetConferenceMember(member);
        return member;
    }

    /// <summary>Removes a member (kick, hangup, transfer out) and plays the exit sound to those remaining.</summary>
    public bool Leave(ConferenceMember member)
    {
        ArgumentNullException.ThrowIfNull(member);
        bool removed;
        lock (_gate)
        {
            removed = _members.Remove(member);
            if (removed && _members.Count > 0)
            {
                QueueSound(ExitSound);
            }
        }

        if (removed && ReferenceEquals(member.Channel.ConferenceMember, member))
        {
            member.Channel.SetConferenceMember(null);
        }

        return removed;
    }

    /// <summary>Queues a sound for every member (<c>conference NAME play</c>); sounds play one after another. The mixer owns it.</summary>
    public void Play(IAudioSource sound)
    {
        ArgumentNullException.ThrowIfNull(sound);
        lock (_gate)
        {
            _sounds.Enqueue(sound);
        }
    }

    /// <summary>Writes what <paramref name="member"/> hears this tick. Called from the member channel's write phase.</summary>
    internal void MixFor(ConferenceMember member, long tick, Span<short> output)
    {
        lock (_gate)
        {
            if (_mixTick != tick)
            {
                ComputeMix(tick);
            }

            if (!member.CanHear || _disposed)
            {
                output.Clear();
                return;
            }

            ReadOnlySpan<short> own = default;
            bool contributed = member.ContributedTick == tick && member.Channel.TryGetReadFrame(tick, out own);
            for (int i = 0; i < output.Length; i++)
            {
                int value = _sum[i];
                if (contributed)
                {
                    value -= own[i];
                }

                if (_soundThisTick)
                {
                    value += _sound[i];
                }
                else if (_alone)
                {
                    value += _moh[i];
                }

                output[i] = SampleMath.Saturate(value);
            }
        }
    }

    private void ComputeMix(long tick)
    {
        _mixTick = tick;
        Array.Clear(_sum);
        foreach (ConferenceMember member in _members)
        {
            if (member.CanSpeak && member.Channel.TryGetReadFrame(tick, out ReadOnlySpan<short> frame))
            {
                SampleMath.Accumulate(frame, _sum);
                member.ContributedTick = tick;
            }
        }

        _soundThisTick = false;
        while (_sounds.TryPeek(out IAudioSource? sound))
        {
            int read = sound.Read(_sound);
            if (read > 0)
            {
                _sound.AsSpan(read).Clear();
                _soundThisTick = true;
                break;
            }

            _sounds.Dequeue().Dispose();
        }

        _alone = _members.Count == 1 && MusicOnHold && !_soundThisTick;
        if (_alone)
        {
            _musicOnHold.Read(_moh);
        }
    }

    private void QueueSound(string? sound)
    {
        if (sound is not null && PlaybackSources.TryOpen(sound, out IAudioSource? source, out _))
        {
            _sounds.Enqueue(source!);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            foreach (ConferenceMember member in _members)
            {
                member.Channel.SetConferenceMember(null);
            }

            _members.Clear();
            while (_sounds.TryDequeue(out IAudioSource? sound))
            {
                sound.Dispose();
            }
        }
    }
}

/// <summary>A channel in a <see cref="ConferenceMixer"/>, with its <c>hear</c>/<c>speak</c> flags.</summary>
public sealed class ConferenceMember
{
    internal ConferenceMember(ConferenceMixer mixer, MediaChannel channel)
    {
        Mixer = mixer;
        Channel = channel;
    }

    /// <summary>The conference.</summary>
    public ConferenceMixer Mixer { get; }

    /// <summary>The member's channel.</summary>
    public MediaChannel Channel { get; }

    /// <summary>The <c>hear</c> flag (false = <c>deaf</c>).</summary>
    public bool CanHear { get; set; } = true;

    /// <summary>The <c>speak</c> flag (false = <c>mute</c>).</summary>
    public bool CanSpeak { get; set; } = true;

    /// <summary>The last tick whose mix includes this member's voice (clock thread only).</summary>
    internal long ContributedTick { get; set; } = -1;
}
