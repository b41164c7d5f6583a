namespace Switchboard.Server.Recordings;

/// <summary>What is stored with a recording, besides its bytes.</summary>
public sealed record RecordingObject(string Key, string ContentType, Guid TenantId, string CallUuid);

/// <summary>How to hand a stored recording to a listener: a redirect to a pre-signed URL, or a local file to stream.</summary>
public sealed record RecordingDownload(Uri? RedirectTo, string? FilePath, string ContentType);

/// <summary>Where recordings go: a local folder (<see cref="LocalRecordingStore"/>) or an S3 bucket (<see cref="S3RecordingStore"/>).</summary>
public interface IRecordingStore
{
    /// <summary>Stores the file under <paramref name="recording"/>'s key, replacing what was there.</summary>
    Task StoreAsync(string sourcePath, RecordingObject recording, CancellationToken cancellationToken);

    /// <summary>Where a listener gets the recording right now.</summary>
    Task<RecordingDownload> GetDownloadAsync(string key, string contentType, CancellationToken cancellationToken);
}
