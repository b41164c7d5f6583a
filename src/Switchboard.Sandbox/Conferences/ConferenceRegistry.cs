namespace Switchboard.Sandbox.Conferences;

/// <summary>The running conferences by name, and the global member-id pool (ids are never reused).</summary>
internal sealed class ConferenceRegistry
{
    private readonly SwitchCore _core;
    private readonly List<Conference> _conferences = [];
    private int _idPool;

    public ConferenceRegistry(SwitchCore core)
    {
        _core = core;
    }

    public IReadOnlyList<Conference> All => _conferences;

    public Conference? Find(string name) => _conferences.FirstOrDefault(c => c.Name == name);

    public int NextMemberId() => ++_idPool;

    /// <summary>The conference of that name, created (with <c>conference-create</c>) if needed; call under the switch lock.</summary>
    public Conference GetOrCreate(string name, string profile, out bool created)
    {
        var conference = Find(name);
        created = conference is null;
        if (conference is null)
        {
            conference = new Conference(_core, name, profile);
            _conferences.Add(conference);
            conference.AnnounceCreated();
        }

        return conference;
    }

    public void Remove(Conference conference) => _conferences.Remove(conference);
}
