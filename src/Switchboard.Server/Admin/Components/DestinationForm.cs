using System.Globalization;
using Switchboard.Server.Transfers;
using Switchboard.Server.Transfers.Destinations;

namespace Switchboard.Server.Admin.Components;

/// <summary>
/// The destination edit form's fields as typed (text, so a wrong number reaches <see cref="DestinationValidator"/>
/// and comes back as its message instead of being lost by binding).
/// </summary>
public sealed class DestinationForm
{
    public string Name { get; set; } = "";

    public string Aliases { get; set; } = "";

    public string DestinationType { get; set; } = DestinationWords.Text(TransferDestinationType.Extension);

    public string DestinationNumber { get; set; } = "";

    public string DestinationContext { get; set; } = "";

    public string RingTimeoutSeconds { get; set; } = "30";

    public string MaxRetries { get; set; } = "1";

    public string RetryDelaySeconds { get; set; } = "5";

    public string FallbackAction { get; set; } = DestinationWords.Text(TransferFallbackAction.OfferTicket);

    public string TransferMode { get; set; } = DestinationWords.Text(Transfers.TransferMode.Attended);

    public string AnnounceTimeoutSeconds { get; set; } = "15";

    public string Department { get; set; } = "";

    public string Role { get; set; } = "";

    public string Description { get; set; } = "";

    public string WorkingHours { get; set; } = "";

    public string Priority { get; set; } = "100";

    public string SecretaryId { get; set; } = "";

    public bool Enabled { get; set; }

    public bool IsDefault { get; set; }

    /// <summary>The delete button was pressed.</summary>
    public bool Delete { get; set; }

    public void From(TransferDestination row)
    {
        ArgumentNullException.ThrowIfNull(row);
        Name = row.Name;
        Aliases = string.Join(", ", row.Aliases);
        DestinationType = DestinationWords.Text(row.DestinationType);
        DestinationNumber = row.DestinationNumber;
        DestinationContext = row.DestinationContext;
        RingTimeoutSeconds = Text(row.RingTimeoutSeconds);
        MaxRetries = Text(row.MaxRetries);
        RetryDelaySeconds = Text(row.RetryDelaySeconds);
        FallbackAction = DestinationWords.Text(row.FallbackAction);
        TransferMode = DestinationWords.Text(row.TransferMode);
        AnnounceTimeoutSeconds = Text(row.AnnounceTimeoutSeconds);
        Department = row.Department ?? "";
        Role = row.Role ?? "";
        Description = row.Description ?? "";
        WorkingHours = row.WorkingHours is null ? "" : WorkingHoursText.Format(row.WorkingHours);
        Priority = Text(row.Priority);
        SecretaryId = row.SecretaryId?.ToString() ?? "";
        Enabled = row.Enabled;
        IsDefault = row.IsDefault;
    }

    /// <summary>
    /// The request for <see cref="DestinationCatalog"/>. A number field that is not a whole number is sent as an
    /// out-of-range value (-1) so the validator's own message for that field is shown.
    /// </summary>
    public DestinationRequest ToRequest() => new()
    {
        Name = Name,
        Aliases = [.. Aliases.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        DestinationType = DestinationType,
        DestinationNumber = DestinationNumber,
        DestinationContext = string.IsNullOrWhiteSpace(DestinationContext) ? null : DestinationContext,
        RingTimeoutSeconds = Number(RingTimeoutSeconds),
        MaxRetries = Number(MaxRetries),
        RetryDelaySeconds = Number(RetryDelaySeconds),
        FallbackAction = FallbackAction,
        TransferMode = TransferMode,
        AnnounceTimeoutSeconds = Number(AnnounceTimeoutSeconds),
        Department = Blank(Department),
        Role = Blank(Role),
        Description = Blank(Description),
        WorkingHours = WorkingHours,
        Priority = Number(Priority),
        SecretaryId = Guid.TryParse(SecretaryId, out Guid secretary) ? secretary : null,
        Enabled = Enabled,
        IsDefault = IsDefault,
    };

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int? Number(string text) =>
        string.IsNullOrWhiteSpace(text) ? null : int.TryParse(text.Trim(), NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) ? value : -1;

    private static string? Blank(string text) => string.IsNullOrWhiteSpace(text) ? null : text;
}
