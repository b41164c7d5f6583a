using System.Globalization;
using System.Text;
using Switchboard.Sandbox.Events;
using Switchboard.Sandbox.Media;

namespace Switchboard.Sandbox.Conferences;

/// <summary>
/// A dynamic conference (mod_conference): members newest first, the floor, <c>conference::maintenance</c> events and
/// the member commands with their exact replies. Every method runs under the switch lock.
/// </summary>
internal sealed class Conference
{
    public const string Subclass = "conference::maintenance";
    private readonly SwitchCore _core;
    private readonly List<ConferenceMember> _members = [];

    public Conference(SwitchCore core, string name, string profile)
    {
        _core = core;
        Mixer = new ConferenceMixer(name);
        Name = name;
        Profile = profile;
        Uuid = SwitchCore.NewUuid();
        RunTime = _core.Time.GetUtcNow().ToUnixTimeSeconds();
    }

    public string Name { get; }

    /// <summary>The conference's audio.</summary>
    public ConferenceMixer Mixer { get; }

    public string Profile { get; }

    public string Uuid { get; }

    public string Domain => _core.Events.IPv4;

    public long RunTime { get; }

    public int FloorHolder { get; private set; }

    public bool Destroyed { get; private set; }

    public IReadOnlyList<ConferenceMember> Members => _members;

    /// <summary>Members that count (ghosts do not).</summary>
    public int Count => _members.Count(m => !m.Ghost);

    public int Ghosts => _members.Count(m => m.Ghost);

    public ConferenceMember? Find(int id) => _members.FirstOrDefault(m => m.Id == id);

    public void AnnounceCreated()
    {
        var e = CreateEvent(null, "conference-create");
        _core.Bus.Fire(e);
    }

    public ConferenceMember Add(SandboxChannel channel, int id, string? flags)
    {
        var member = new ConferenceMember(this, channel, id);
        member.ApplyFlags(flags);
        _members.Insert(0, member);
        channel.Member = member;
        channel.Vars.Set("conference_name", Name);
        channel.Vars.Set("conference_uuid", Uuid);
        channel.Vars.Set("conference_member_id", id.ToString(CultureInfo.InvariantCulture));
        channel.Vars.Set("conference_moderator", member.Moderator ? "true" : "false");
        channel.Media.OnConferenceTransition();
        member.Audio = Mixer.Join(channel.Media.Channel, member.CanHear, member.CanSpeak);
        Mixer.MusicOnHold = !member.NoMoh || _members.Count > 1;
        Fire(member, "add-member");
        if (FloorHolder == 0)
        {
            SetFloor(member);
        }

        return member;
    }

    /// <summary>The member leaves (its app returned, or its channel hung up): <c>del-member</c>, floor, end of conference.</summary>
    public void RemoveMember(ConferenceMember member, bool kicked)
    {
        if (!_members.Remove(member))
        {
            return;
        }

        member.Leave(kicked ? ConferenceExit.Kicked : ConferenceExit.Left);
        member.Channel.Member = null;
        LeaveAudio(member);
        if (FloorHolder == member.Id)
        {
            FloorHolder = 0;
            FireFloorChange(member.Id, null);
        }

        Fire(member, "del-member");
        if (member.EndConference)
        {
            End();
            return;
        }

        if (_members.Count == 0)
        {
            Destroy();
            return;
        }

        if (FloorHolder == 0)
        {
            SetFloor(_members[0]);
        }

        Mixer.MusicOnHold = !_members[0].NoMoh || _members.Count > 1;
    }

    /// <summary>Ends the conference: every remaining member is removed (their channels hang up), then it is destroyed.</summary>
    public void End()
    {
        foreach (var member in _members.ToArray())
        {
            _members.Remove(member);
            member.Channel.Member = null;
            LeaveAudio(member);
            Fire(member, "del-member");
            member.Leave(ConferenceExit.ConferenceEnded);
        }

        Destroy();
    }

    public string Kick(ConferenceMember member)
    {
        Fire(member, "kick-member");
        _core.Work.Run(async () =>
        {
            // mod_conference removes a kicked member from its own thread a frame later (measured ~20 ms).
            await Task.Delay(TimeSpan.FromMilliseconds(20), _core.Time, _core.Stopping);
            lock (_core.Sync)
            {
                RemoveMember(member, kicked: true);
            }
        });
        return $"+OK kicked {member.Id}\n";
    }

    public string Hup(ConferenceMember member)
    {
        Fire(member, "hup-member");
        _core.Work.Run(async () =>
        {
            await Task.Delay(TimeSpan.FromMilliseconds(20), _core.Time, _core.Stopping);
            lock (_core.Sync)
            {
                RemoveMember(member, kicked: false);
            }
        });
        return $"+OK hup {member.Id}\n";
    }

    public string Mute(ConferenceMember member)
    {
        member.CanSpeak = false;
        member.Talking = false;
        Fire(member, "mute-member");
        member.SyncAudio();
        return $"+OK mute {member.Id}\n";
    }

    public string Unmute(ConferenceMember member)
    {
        member.CanSpeak = true;
        Fire(member, "unmute-member");
        member.SyncAudio();
        return $"+OK unmute {member.Id}\n";
    }

    public string Deaf(ConferenceMember member)
    {
        member.CanHear = false;
        Fire(member, "deaf-member");
        member.SyncAudio();
        return $"+OK deaf {member.Id}\n";
    }

    public string Undeaf(ConferenceMember member)
    {
        member.CanHear = true;
        Fire(member, "undeaf-member");
        member.SyncAudio();
        return $"+OK undeaf {member.Id}\n";
    }

    public string HoldMember(ConferenceMember member)
    {
        member.Talking = false;
        member.Hold = true;
        Fire(member, "hold-member");
        member.SyncAudio();
        return $"+OK hold {member.Id}\n";
    }

    public string UnholdMember(ConferenceMember member)
    {
        member.Hold = false;
        Fire(member, "unhold-member");
        member.SyncAudio();
        return $"+OK unhold {member.Id}\n";
    }

    public string Vmute(ConferenceMember member, bool mute)
    {
        member.CanBeSeen = !mute;
        Fire(member, mute ? "vmute-member" : "unvmute-member");
        return mute ? $"+OK vmute {member.Id}\n" : $"+OK unvmute {member.Id}\n";
    }

    /// <summary>One member line per member, newest first: <c>id;name;uuid;cid-name;cid-num;flags;vol-in;vol-out;energy</c>.</summary>
    public string List(string delimiter)
    {
        var sb = new StringBuilder();
        foreach (var m in _members)
        {
            var profile = m.Channel.Profile;
            sb.Append(m.Id.ToString(CultureInfo.InvariantCulture)).Append(delimiter)
                .Append(m.Channel.Name).Append(delimiter)
                .Append(m.Channel.Uuid).Append(delimiter)
                .Append(profile.CallerIdName).Append(delimiter)
                .Append(profile.CallerIdNumber).Append(delimiter);
            var flags = new List<string>();
            if (!m.Hold && m.CanHear)
            {
                flags.Add("hear");
            }

            if (!m.Hold && m.CanSpeak)
            {
                flags.Add("speak");
            }

            if (!m.Hold && m.Talking)
            {
                flags.Add("talking");
            }

            if (m.Hold)
            {
                flags.Add("hold");
            }

            if (m.Id == FloorHolder)
            {
                flags.Add("floor");
            }

            if (m.Moderator)
            {
                flags.Add("moderator");
            }

            if (m.Ghost)
            {
                flags.Add("ghost");
            }

            sb.Append(string.Join('|', flags)).Append(delimiter)
                .Append(m.VolumeIn.ToString(CultureInfo.InvariantCulture)).Append(delimiter)
                .Append(m.VolumeOut.ToString(CultureInfo.InvariantCulture)).Append(delimiter)
                .Append(m.EnergyLevel.ToString(CultureInfo.InvariantCulture)).Append('\n');
        }

        return sb.ToString();
    }

    /// <summary>The header line of <c>conference list</c> and <c>conference list summary</c>.</summary>
    public string SummaryLine()
    {
        var count = Count;
        return $"+OK Conference {Name} ({count} member{(count == 1 ? string.Empty : "s")} rate: 8000 flags: running|answered|enforce_min|dynamic|exit_sound|enter_sound|json_status)\n";
    }

    public void OnDtmf(ConferenceMember member, char digit)
    {
        var e = CreateEvent(member, "dtmf");
        e.Add("DTMF-Key", digit.ToString());
        e.Add("Data", digit.ToString());
        _core.Bus.Fire(e);
    }

    private static void LeaveAudio(ConferenceMember member)
    {
        if (member.Audio is { } audio)
        {
            audio.Mixer.Leave(audio);
            member.Audio = null;
            member.Channel.Media.OnConferenceTransition();
        }
    }

    private void SetFloor(ConferenceMember member)
    {
        var old = FloorHolder;
        FloorHolder = member.Id;
        FireFloorChange(old == 0 ? null : old, member);
    }

    private void FireFloorChange(int? oldId, ConferenceMember? member)
    {
        var e = _core.Events.Create(EventNames.Custom, Origin("conference_member_set_floor_holder", 1160), Subclass);
        AddConferenceData(e);
        e.Add("Action", "floor-change");
        e.Add("Old-ID", oldId?.ToString(CultureInfo.InvariantCulture) ?? "none");
        if (member is not null)
        {
            AddMemberData(e, member);
            e.Add("New-ID", member.Id);
        }
        else
        {
            e.Add("New-ID", "none");
        }

        _core.Bus.Fire(e);
    }

    private void Destroy()
    {
        if (Destroyed)
        {
            return;
        }

        Destroyed = true;
        _core.Conferences.Remove(this);
        Mixer.Dispose();
        _core.Bus.Fire(CreateEvent(null, "conference-destroy"));
    }

    private void Fire(ConferenceMember member, string action) => _core.Bus.Fire(CreateEvent(member, action));

    private SandboxEvent CreateEvent(ConferenceMember? member, string action)
    {
        var e = _core.Events.Create(EventNames.Custom, Origin("conference_member_add", 1002), Subclass);
        AddConferenceData(e);
        if (member is not null)
        {
            AddMemberData(e, member);
        }

        e.Add("Action", action);
        return e;
    }

    private void AddConferenceData(SandboxEvent e)
    {
        e.Add("Conference-Name", Name);
        e.Add("Conference-Domain", Domain);
        e.Add("Conference-Size", Count);
        e.Add("Conference-Ghosts", Ghosts);
        e.Add("Conference-Profile-Name", Profile);
        e.Add("Conference-Unique-ID", Uuid);
    }

    /// <summary><c>conference_member_add_event_data</c>: floor, the channel's basic data, then the member flags.</summary>
    private void AddMemberData(SandboxEvent e, ConferenceMember m)
    {
        e.Add("Floor", m.Id == FloorHolder ? "true" : "false");
        m.Channel.AddEventData(e, withVariables: false);
        e.Add("Video", "false");
        e.Add("Hear", m.CanHear ? "true" : "false");
        e.Add("See", m.CanBeSeen ? "true" : "false");
        e.Add("Speak", m.CanSpeak ? "true" : "false");
        e.Add("Talking", m.Talking ? "true" : "false");
        e.Add("Mute-Detect", m.MuteDetect ? "true" : "false");
        e.Add("Hold", m.Hold ? "true" : "false");
        e.Add("Member-ID", m.Id);
        e.Add("Member-Type", m.Moderator ? "moderator" : "member");
        e.Add("Member-Ghost", m.Ghost ? "true" : "false");
        e.Add("Energy-Level", m.EnergyLevel);
        e.Add("Current-Energy", 0);
    }

    private static EventOrigin Origin(string function, int line) => new("conference_member.c", function, line);
}
