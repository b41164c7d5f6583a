namespace Switchboard.Server.Transfers.Destinations;

/// <summary>
/// A destination as the REST API and the CSV take it. Enum values are seed 1's words (<c>ring_group</c>,
/// <c>offer_ticket</c>, <c>announced</c>); working hours are text (<see cref="WorkingHoursText"/>). A null field
/// takes seed 1's default (context: the tenant's domain, FusionPBX's context name).
/// </summary>
public sealed record DestinationRequest
{
    public string? Name { get; init; }

    public IReadOnlyList<string>? Aliases { get; init; }

    /// <summary>extension, ring_group, queue, external or voicemail.</summary>
    public string? DestinationType { get; init; }

    public string? DestinationNumber { get; init; }

    public string? DestinationContext { get; init; }

    public int? RingTimeoutSeconds { get; init; }

    public int? MaxRetries { get; init; }

    public int? RetryDelaySeconds { get; init; }

    /// <summary>offer_ticket, create_ticket, voicemail, return_agent or hangup.</summary>
    public string? FallbackAction { get; init; }

    public string? Department { get; init; }

    public string? Role { get; init; }

    public string? Description { get; init; }

    /// <summary>"mon-fri 08:00-18:00; sat 08:00-12:00"; empty for always.</summary>
    public string? WorkingHours { get; init; }

    public int? Priority { get; init; }

    public bool? Enabled { get; init; }

    public bool? IsDefault { get; init; }

    /// <summary>attended, announced or blind.</summary>
    public string? TransferMode { get; init; }

    public int? AnnounceTimeoutSeconds { get; init; }

    /// <summary>Only this secretary offers the destination; null for every secretary of the tenant.</summary>
    public Guid? SecretaryId { get; init; }
}

/// <summary>A destination as the REST API returns it (the same words as <see cref="DestinationRequest"/>).</summary>
public sealed record DestinationView(
    Guid Id,
    Guid? SecretaryId,
    string Name,
    IReadOnlyList<string> Aliases,
    string DestinationType,
    string DestinationNumber,
    string DestinationContext,
    int RingTimeoutSeconds,
    int MaxRetries,
    int RetryDelaySeconds,
    string FallbackAction,
    string? Department,
    string? Role,
    string? Description,
    string WorkingHours,
    int Priority,
    bool Enabled,
    bool IsDefault,
    string TransferMode,
    int AnnounceTimeoutSeconds,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public static DestinationView From(TransferDestination destination) => new(
        destination.Id,
        destination.SecretaryId,
        destination.Name,
        destination.Aliases,
        DestinationWords.Text(destination.DestinationType),
        destination.DestinationNumber,
        destination.DestinationContext,
        destination.RingTimeoutSeconds,
        destination.MaxRetries,
        destination.RetryDelaySeconds,
        DestinationWords.Text(destination.FallbackAction),
        destination.Department,
        destination.Role,
        destination.Description,
        WorkingHoursText.Format(destination.WorkingHours),
        destination.Priority,
        destination.Enabled,
        destination.IsDefault,
        DestinationWords.Text(destination.TransferMode),
        destination.AnnounceTimeoutSeconds,
        destination.CreatedAt,
        destination.UpdatedAt);
}
