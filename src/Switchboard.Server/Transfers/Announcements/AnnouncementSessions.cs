using System.Collections.Concurrent;
using Switchboard.Server.Secretaries.Prompts;
using Switchboard.Server.Transfers.Execution;

namespace Switchboard.Server.Transfers.Announcements;

/// <summary>The announcements in progress, by the human's leg: the media stream the announcer starts on that leg finds
/// its brief here (and is refused without one), and reports the human's decision back.</summary>
public sealed class AnnouncementSessions
{
    private readonly ConcurrentDictionary<string, PendingAnnouncement> _pending = new(StringComparer.OrdinalIgnoreCase);

    public PendingAnnouncement Open(AnnouncementRequest request, string language, Guid? secretaryId)
    {
        ArgumentNullException.ThrowIfNull(request);
        var pending = new PendingAnnouncement(request, language, secretaryId);
        if (!_pending.TryAdd(request.HumanLegUuid, pending))
        {
            throw new InvalidOperationException($"Leg {request.HumanLegUuid} is already being announced to.");
        }

        return pending;
    }

    public bool TryGet(string humanLegUuid, out PendingAnnouncement? pending) => _pending.TryGetValue(humanLegUuid, out pending);

    public void Close(PendingAnnouncement pending)
    {
        ArgumentNullException.ThrowIfNull(pending);
        _pending.TryRemove(new KeyValuePair<string, PendingAnnouncement>(pending.Request.HumanLegUuid, pending));
        pending.Decide(AnnouncementDecision.TimedOut);
    }
}

/// <summary>One announcement: what to tell the human, in which language, and the human's decision once made.</summary>
public sealed class PendingAnnouncement
{
    private readonly TaskCompletionSource<AnnouncementDecision> _decision = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _attached = new(TaskCreationOptions.RunContinuationsAsynchronously);

    internal PendingAnnouncement(AnnouncementRequest request, string language, Guid? secretaryId)
    {
        Request = request;
        Language = language;
        SecretaryId = secretaryId;
    }

    public AnnouncementRequest Request { get; }

    /// <summary>The caller's conversation language: the secretary announces in it too.</summary>
    public string Language { get; }

    /// <summary>The secretary of the caller's call, whose providers announce; null for calls without one.</summary>
    public Guid? SecretaryId { get; }

    /// <summary>Completes with the first decision taken (tool call, key, or the announcer giving up).</summary>
    public Task<AnnouncementDecision> Decision => _decision.Task;

    /// <summary>Completes when the human's media stream reached us and the announcing agent runs.</summary>
    public Task Attached => _attached.Task;

    public bool Decide(AnnouncementDecision decision) => _decision.TrySetResult(decision);

    public void MarkAttached() => _attached.TrySetResult();

    /// <summary>Who calls, as said to the human: the caller's name when known, else the number.</summary>
    public string CallerDescription =>
        string.IsNullOrWhiteSpace(Request.CallerName) ? Request.CallerNumber : $"{Request.CallerName} ({Request.CallerNumber})";

    /// <summary>The spoken announcement of the offline announcer (eSpeak NG), with the keys to press.</summary>
    public string SpokenText => CallerPhrases.For(Language).Announcement(
        CallerDescription, CallerPhrases.ShortName(Request.DestinationName), string.IsNullOrWhiteSpace(Request.ReasonSummary) ? "-" : Request.ReasonSummary);

    /// <summary>Instructions of the AI announcer: the facts, and when to call accept/reject.</summary>
    public string Instructions => CallerPhrases.For(Language).AnnouncerInstructions(
        $"caller: {CallerDescription}; wants: {Request.DestinationName}; reason: {(string.IsNullOrWhiteSpace(Request.ReasonSummary) ? "not given" : Request.ReasonSummary)}");
}
