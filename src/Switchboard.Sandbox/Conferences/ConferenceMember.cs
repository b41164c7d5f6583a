namespace Switchboard.Sandbox.Conferences;

/// <summary>A channel's membership in a conference (<c>conference_member_t</c>), with its flags.</summary>
internal sealed class ConferenceMember
{
    private readonly TaskCompletionSource<ConferenceExit> _left = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ConferenceMember(Conference conference, SandboxChannel channel, int id)
    {
        Conference = conference;
        Channel = channel;
        Id = id;
    }

    public Conference Conference { get; }

    public SandboxChannel Channel { get; }

    public int Id { get; }

    public bool CanHear { get; set; } = true;

    public bool CanSpeak { get; set; } = true;

    public bool CanBeSeen { get; set; } = true;

    public bool Talking { get; set; }

    public bool Hold { get; set; }

    public bool Moderator { get; set; }

    public bool EndConference { get; set; }

    public bool Ghost { get; set; }

    public bool NoMoh { get; set; }

    public bool MuteDetect { get; set; }

    public bool JoinOnly { get; set; }

    public int VolumeIn { get; set; }

    public int VolumeOut { get; set; }

    public int EnergyLevel { get; set; } = 100;

    /// <summary>The member in the conference's audio mixer.</summary>
    public Media.ConferenceMember? Audio { get; set; }

    /// <summary>Pushes the hear/speak/hold flags to the mixer.</summary>
    public void SyncAudio()
    {
        if (Audio is { } audio)
        {
            audio.CanHear = CanHear && !Hold;
            audio.CanSpeak = CanSpeak && !Hold;
        }
    }

    /// <summary>Completes when the member leaves the conference (kick, hup, or the conference ends).</summary>
    public Task<ConferenceExit> Left => _left.Task;

    public bool HasLeft => _left.Task.IsCompleted;

    public void Leave(ConferenceExit exit) => _left.TrySetResult(exit);

    /// <summary><c>conference_utils_set_mflags</c>: flags separated by <c>|</c> (or <c>,</c>).</summary>
    public void ApplyFlags(string? flags)
    {
        if (string.IsNullOrEmpty(flags))
        {
            return;
        }

        foreach (var flag in Api.ApiArguments.Split(flags.Replace(',', '|'), '|', 10))
        {
            switch (flag.ToLowerInvariant())
            {
                case "mute":
                    CanSpeak = false;
                    Talking = false;
                    break;
                case "vmute":
                    CanBeSeen = false;
                    break;
                case "deaf":
                    CanHear = false;
                    break;
                case "mute-detect":
                    MuteDetect = true;
                    break;
                case "moderator":
                    Moderator = true;
                    break;
                case "endconf":
                    EndConference = true;
                    break;
                case "ghost":
                    Ghost = true;
                    break;
                case "nomoh":
                    NoMoh = true;
                    break;
                case "join-only":
                    JoinOnly = true;
                    break;
            }
        }
    }
}

/// <summary>Why a member left.</summary>
internal enum ConferenceExit
{
    Kicked,
    HungUp,
    ConferenceEnded,
    Left,
}
