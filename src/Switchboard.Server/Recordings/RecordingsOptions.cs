using System.ComponentModel.DataAnnotations;
using Microsoft.Extensions.Options;

namespace Switchboard.Server.Recordings;

/// <summary>Where uploaded call recordings are kept.</summary>
public enum RecordingStorageKind
{
    /// <summary>A folder on this node (<see cref="RecordingsOptions.LocalPath"/>): no setup needed.</summary>
    Local,

    /// <summary>An S3-compatible bucket (AWS S3, MinIO, ...): <see cref="RecordingsOptions.S3"/>.</summary>
    S3,
}

/// <summary>Configuration section "Recordings": finding FreeSWITCH's call recordings, storing them, linking to them.</summary>
public sealed class RecordingsOptions
{
    public const string Section = "Recordings";

    public RecordingStorageKind Storage { get; set; } = RecordingStorageKind.Local;

    /// <summary>Folder of stored recordings with <see cref="RecordingStorageKind.Local"/>; defaults to <c>&lt;DataRoot&gt;/recordings</c>.</summary>
    public string? LocalPath { get; set; }

    /// <summary>
    /// Folders where FreeSWITCH writes recordings (<c>recordings_dir</c>), searched with the FusionPBX patterns
    /// (<c>&lt;domain&gt;/archive/&lt;yyyy&gt;/&lt;Mon&gt;/&lt;dd&gt;/&lt;uuid&gt;.wav|.mp3</c>). Defaults to
    /// <c>/var/lib/freeswitch/recordings</c> and <c>&lt;DataRoot&gt;/recordings</c> (the built-in sandbox).
    /// </summary>
    public List<string> SearchRoots { get; set; } = [];

    /// <summary>A recording is complete once its size and write time stayed the same this long.</summary>
    public TimeSpan StableFor { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often the worker looks for due uploads when nothing wakes it.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Delay after the first failure; doubles per attempt (with jitter) up to <see cref="MaxRetryDelay"/>.</summary>
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromSeconds(2);

    public TimeSpan MaxRetryDelay { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>How long to keep looking for a recording file that does not appear before giving up (status missing).</summary>
    public TimeSpan GiveUpFindingAfter { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long a link stored on a conversation or ticket stays valid.</summary>
    public TimeSpan LinkLifetime { get; set; } = TimeSpan.FromDays(30);

    /// <summary>How long the pre-signed S3 URL our link redirects to stays valid.</summary>
    public TimeSpan PresignedUrlLifetime { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>
    /// Absolute address of this service as people reach it (<c>https://switchboard.example.com</c>); links are
    /// absolute with it, relative (<c>/recordings/...</c>) without.
    /// </summary>
    public Uri? PublicBaseUrl { get; set; }

    [ValidateObjectMembers]
    public S3RecordingOptions S3 { get; set; } = new();
}

/// <summary>Section "Recordings:S3". Against s3rver/MinIO set <see cref="ServiceUrl"/> and keep <see cref="ForcePathStyle"/>.</summary>
public sealed class S3RecordingOptions
{
    /// <summary>Endpoint of an S3-compatible service (<c>http://minio:9000</c>); empty for AWS itself (then <see cref="Region"/> decides).</summary>
    public Uri? ServiceUrl { get; set; }

    [Required]
    public string Region { get; set; } = "us-east-1";

    public string Bucket { get; set; } = "";

    public string? AccessKey { get; set; }

    public string? SecretKey { get; set; }

    /// <summary><c>host/bucket/key</c> addressing, which MinIO and s3rver need.</summary>
    public bool ForcePathStyle { get; set; } = true;
}

[OptionsValidator]
internal sealed partial class RecordingsOptionsValidator : IValidateOptions<RecordingsOptions>;
