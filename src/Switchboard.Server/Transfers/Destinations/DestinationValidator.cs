using System.Text.RegularExpressions;

namespace Switchboard.Server.Transfers.Destinations;

/// <summary>
/// Checks one destination on its own (the store checks what needs the other rows: unique name, one default,
/// secretary of the tenant). Errors are keyed by seed 1's snake_case field names, as the CSV header has them.
/// </summary>
public static partial class DestinationValidator
{
    public const int MaxNameLength = 100;
    public const int MaxAliases = 50;
    public const int MaxDescriptionLength = 1000;
    public const int MinRingTimeoutSeconds = 5;
    public const int MaxRingTimeoutSeconds = 300;
    public const int MaxMaxRetries = 10;
    public const int MaxRetryDelaySeconds = 120;
    public const int MinAnnounceTimeoutSeconds = 5;
    public const int MaxAnnounceTimeoutSeconds = 120;
    public const int MaxPriority = 9999;

    /// <summary>
    /// Validates <paramref name="request"/>; <paramref name="values"/> holds what to store (defaults filled in, text
    /// trimmed) and is meaningful only when no error came back.
    /// </summary>
    public static Dictionary<string, List<string>> Validate(DestinationRequest request, string defaultContext, out TransferDestination values)
    {
        var errors = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        void Fail(string field, string message)
        {
            if (!errors.TryGetValue(field, out List<string>? list))
            {
                errors[field] = list = [];
            }

            list.Add(message);
        }

        values = new TransferDestination();
        var defaults = new TransferDestination();

        string name = (request.Name ?? "").Trim();
        if (name.Length == 0)
        {
            Fail("name", "A name is required (the name callers and the agent use, e.g. \"Jeni - Financeiro\").");
        }
        else if (name.Length > MaxNameLength)
        {
            Fail("name", $"The name has {name.Length} characters; at most {MaxNameLength}.");
        }

        values.Name = name;

        List<string> aliases = [];
        foreach (string? alias in request.Aliases ?? [])
        {
            string trimmed = (alias ?? "").Trim();
            if (trimmed.Length == 0)
            {
                Fail("aliases", "An alias is empty.");
            }
            else if (trimmed.Length > MaxNameLength)
            {
                Fail("aliases", $"The alias \"{trimmed[..20]}...\" has {trimmed.Length} characters; at most {MaxNameLength}.");
            }
            else if (trimmed.Contains('|', StringComparison.Ordinal))
            {
                Fail("aliases", $"The alias \"{trimmed}\" contains '|', which separates aliases in CSV files.");
            }
            else if (!aliases.Any(a => TextFolding.Fold(a) == TextFolding.Fold(trimmed)))
            {
                aliases.Add(trimmed);
            }
        }

        if (aliases.Count > MaxAliases)
        {
            Fail("aliases", $"{aliases.Count} aliases; at most {MaxAliases}.");
        }

        values.Aliases = aliases;

        if (request.DestinationType is null)
        {
            Fail("destination_type", $"A destination type is required: {DestinationWords.List<TransferDestinationType>()}.");
        }
        else if (!DestinationWords.TryParse(request.DestinationType, out TransferDestinationType type))
        {
            Fail("destination_type", $"'{request.DestinationType}' is not a destination type; use {DestinationWords.List<TransferDestinationType>()}.");
        }
        else
        {
            values.DestinationType = type;
        }

        string number = (request.DestinationNumber ?? "").Trim();
        values.DestinationNumber = number;
        if (number.Length == 0)
        {
            Fail("destination_number", "A destination number is required (an extension such as 1004, a ring group such as 9000, an external number such as +5551999999999).");
        }
        else if (request.DestinationType is not null && errors.GetValueOrDefault("destination_type") is null && NumberError(values.DestinationType, number) is { } numberError)
        {
            Fail("destination_number", numberError);
        }

        string context = string.IsNullOrWhiteSpace(request.DestinationContext) ? defaultContext : request.DestinationContext.Trim();
        if (!ContextPattern().IsMatch(context))
        {
            Fail("destination_context", $"'{context}' is not a dialplan context: letters, digits, '.', '_' and '-', at most 253 (usually the tenant's domain).");
        }

        values.DestinationContext = context;

        values.RingTimeoutSeconds = Range("ring_timeout_seconds", request.RingTimeoutSeconds, defaults.RingTimeoutSeconds, MinRingTimeoutSeconds, MaxRingTimeoutSeconds, "The ring timeout");
        values.MaxRetries = Range("max_retries", request.MaxRetries, defaults.MaxRetries, 0, MaxMaxRetries, "Retries");
        values.RetryDelaySeconds = Range("retry_delay_seconds", request.RetryDelaySeconds, defaults.RetryDelaySeconds, 0, MaxRetryDelaySeconds, "The retry delay");
        values.AnnounceTimeoutSeconds = Range("announce_timeout_seconds", request.AnnounceTimeoutSeconds, defaults.AnnounceTimeoutSeconds, MinAnnounceTimeoutSeconds, MaxAnnounceTimeoutSeconds, "The announce timeout");
        values.Priority = Range("priority", request.Priority, defaults.Priority, 0, MaxPriority, "The priority");

        if (request.FallbackAction is not null)
        {
            if (DestinationWords.TryParse(request.FallbackAction, out TransferFallbackAction fallback))
            {
                values.FallbackAction = fallback;
            }
            else
            {
                Fail("fallback_action", $"'{request.FallbackAction}' is not a fallback action; use {DestinationWords.List<TransferFallbackAction>()}.");
            }
        }

        if (request.TransferMode is not null)
        {
            if (DestinationWords.TryParse(request.TransferMode, out TransferMode mode))
            {
                values.TransferMode = mode;
            }
            else
            {
                Fail("transfer_mode", $"'{request.TransferMode}' is not a transfer mode; use {DestinationWords.List<TransferMode>()}.");
            }
        }

        values.Department = Optional("department", request.Department, MaxNameLength);
        values.Role = Optional("role", request.Role, MaxNameLength);
        values.Description = Optional("description", request.Description, MaxDescriptionLength);

        if (WorkingHoursText.TryParse(request.WorkingHours, out WorkingHours? hours, out string? hoursError))
        {
            values.WorkingHours = hours;
        }
        else
        {
            Fail("working_hours", "Working hours " + hoursError);
        }

        values.Enabled = request.Enabled ?? true;
        values.IsDefault = request.IsDefault ?? false;
        values.SecretaryId = request.SecretaryId;
        return errors;

        int Range(string field, int? value, int fallback, int min, int max, string what)
        {
            int actual = value ?? fallback;
            if (actual < min || actual > max)
            {
                Fail(field, $"{what} must be between {min} and {max} (got {actual}).");
            }

            return actual;
        }

        string? Optional(string field, string? text, int max)
        {
            string? trimmed = string.IsNullOrWhiteSpace(text) ? null : text.Trim();
            if (trimmed is not null && trimmed.Length > max)
            {
                Fail(field, $"{trimmed.Length} characters; at most {max}.");
            }

            return trimmed;
        }
    }

    /// <summary>Null when <paramref name="number"/> suits <paramref name="type"/>, else why not.</summary>
    public static string? NumberError(TransferDestinationType type, string number) => type switch
    {
        TransferDestinationType.Extension when !ExtensionPattern().IsMatch(number) =>
            $"'{number}' is not an extension: digits only, 2 to 10 (e.g. 1004).",
        TransferDestinationType.RingGroup when !ExtensionPattern().IsMatch(number) =>
            $"'{number}' is not a ring group number: digits only, 2 to 10 (e.g. 9000).",
        TransferDestinationType.Queue when !QueuePattern().IsMatch(number) =>
            $"'{number}' is not a queue: its extension (digits, e.g. 5001) or its name (letters, digits, '.', '_', '-', '@').",
        TransferDestinationType.External when !ExternalPattern().IsMatch(number) =>
            $"'{number}' is not an external number: E.164 such as +5551999999999, or digits only (3 to 20).",
        TransferDestinationType.Voicemail when !VoicemailPattern().IsMatch(number) =>
            $"'{number}' is not a voicemail box: its digits (e.g. 1004), optionally after '*99'.",
        _ => null,
    };

    /// <summary>Copies what <see cref="Validate"/> produced onto a stored row (id, tenant and timestamps kept).</summary>
    public static void CopyTo(TransferDestination values, TransferDestination target)
    {
        target.SecretaryId = values.SecretaryId;
        target.Name = values.Name;
        target.Aliases = [.. values.Aliases];
        target.DestinationType = values.DestinationType;
        target.DestinationNumber = values.DestinationNumber;
        target.DestinationContext = values.DestinationContext;
        target.RingTimeoutSeconds = values.RingTimeoutSeconds;
        target.MaxRetries = values.MaxRetries;
        target.RetryDelaySeconds = values.RetryDelaySeconds;
        target.FallbackAction = values.FallbackAction;
        target.Department = values.Department;
        target.Role = values.Role;
        target.Description = values.Description;
        target.WorkingHours = values.WorkingHours;
        target.Priority = values.Priority;
        target.Enabled = values.Enabled;
        target.IsDefault = values.IsDefault;
        target.TransferMode = values.TransferMode;
        target.AnnounceTimeoutSeconds = values.AnnounceTimeoutSeconds;
    }

    [GeneratedRegex("^[0-9]{2,10}$")]
    private static partial Regex ExtensionPattern();

    [GeneratedRegex("^[0-9]{2,10}$|^[A-Za-z0-9][A-Za-z0-9._@-]{0,49}$")]
    private static partial Regex QueuePattern();

    [GeneratedRegex(@"^\+[1-9][0-9]{6,14}$|^[0-9]{3,20}$")]
    private static partial Regex ExternalPattern();

    [GeneratedRegex(@"^(\*99)?[0-9]{2,10}$")]
    private static partial Regex VoicemailPattern();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,252}$")]
    private static partial Regex ContextPattern();
}
