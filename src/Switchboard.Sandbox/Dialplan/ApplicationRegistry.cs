namespace Switchboard.Sandbox.Dialplan;

/// <summary>The dialplan applications the sandbox can run (names are case-insensitive).</summary>
internal sealed class ApplicationRegistry
{
    private readonly Dictionary<string, Application> _applications = new(StringComparer.OrdinalIgnoreCase);

    public ApplicationRegistry(SwitchCore core)
    {
        var apps = new Applications(core);
        Add("answer", apps.AnswerAsync);
        Add("pre_answer", apps.PreAnswerAsync);
        Add("ring_ready", apps.RingReadyAsync);
        Add("park", apps.ParkAsync);
        Add("playback", apps.PlaybackAsync);
        Add("sleep", apps.SleepAsync);
        Add("echo", apps.EchoAsync);
        Add("hangup", apps.HangupAsync);
        Add("set", apps.SetAsync);
        Add("export", apps.ExportAsync);
        Add("unset", apps.UnsetAsync);
        Add("respond", apps.RespondAsync);
        Add("transfer", apps.TransferAsync);
        Add("bridge", apps.BridgeAsync);
        Add("conference", apps.ConferenceAsync);
        Add("record_session", apps.RecordSessionAsync);
        Add("stop_record_session", apps.StopRecordSessionAsync);
        Add("log", Applications.NothingAsync);
        Add("info", Applications.NothingAsync);
    }

    public Application? Find(string name) => _applications.GetValueOrDefault(name);

    private void Add(string name, Func<SandboxChannel, string, Task<string?>> run) => _applications[name] = new Application(name, run);

    /// <summary>An application: its canonical name and what it does on a channel with its (expanded) argument.</summary>
    internal sealed record Application(string Name, Func<SandboxChannel, string, Task<string?>> Run);
}
