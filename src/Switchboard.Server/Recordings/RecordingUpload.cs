using Switchboard.Server.Data;

namespace Switchboard.Server.Recordings;

public enum RecordingUploadStatus
{
    /// <summary>Waiting for the file to appear and settle, or for the next try after a failure.</summary>
    Pending,

    Uploaded,

    /// <summary>No recording file appeared within <see cref="RecordingsOptions.GiveUpFindingAfter"/>.</summary>
    Missing,
}

/// <summary>One call's recording on its way to storage: a persisted queue entry, so a restart loses nothing.</summary>
public sealed class RecordingUpload : IQueuedWork
{
    public Guid Id { get; set; }

    public Guid TenantId { get; set; }

    /// <summary>FreeSWITCH uuid of the recorded channel.</summary>
    public string CallUuid { get; set; } = "";

    public Guid? ConversationId { get; set; }

    /// <summary>When the call started; it dates the FusionPBX archive folder and the storage key.</summary>
    public DateTimeOffset CallStartedAt { get; set; }

    /// <summary>The recording file on the PBX host: known from the call, or found by the worker.</summary>
    public string? LocalPath { get; set; }

    /// <summary>Storage key, <c>voice/&lt;tenant&gt;/&lt;yyyy&gt;/&lt;MM&gt;/&lt;dd&gt;/&lt;call&gt;.wav</c>.</summary>
    public string ObjectKey { get; set; } = "";

    public RecordingUploadStatus Status { get; set; } = RecordingUploadStatus.Pending;

    /// <summary>Failed tries (a file still being written is not a failure).</summary>
    public int Attempts { get; set; }

    public DateTimeOffset NextAttemptAt { get; set; }

    public string? LastError { get; set; }

    /// <summary>Size seen at the previous look; the file is complete once it stops changing.</summary>
    public long? ObservedSize { get; set; }

    public long? SizeBytes { get; set; }

    public DateTimeOffset? UploadedAt { get; set; }

    public DateTimeOffset CreatedAt { get; set; }

    public DateTimeOffset UpdatedAt { get; set; }
}
