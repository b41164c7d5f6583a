using System.Globalization;
using System.Text;

namespace Switchboard.Server.Transfers.Destinations;

/// <summary>
/// The destinations CSV: a header row naming every field (seed 1's column names), one destination per row,
/// aliases separated by <c>|</c>, working hours as <see cref="WorkingHoursText"/>, the secretary by extension.
/// Import reads ',' or ';' delimited files; column order and case are free, only <c>name</c>,
/// <c>destination_type</c> and <c>destination_number</c> columns are required (the others take their defaults).
/// </summary>
public static class DestinationCsv
{
    public const string ContentType = "text/csv; charset=utf-8";

    /// <summary>Every column, in export order.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "name", "aliases", "destination_type", "destination_number", "destination_context", "ring_timeout_seconds", "max_retries",
        "retry_delay_seconds", "fallback_action", "department", "role", "description", "working_hours", "priority", "enabled",
        "is_default", "transfer_mode", "announce_timeout_seconds", "secretary_extension",
    ];

    private static readonly string[] RequiredColumns = ["name", "destination_type", "destination_number"];

    /// <summary>One data row read from a file: the request it makes, or the errors of its cells.</summary>
    public sealed record Row(int Line, DestinationRequest Request, Dictionary<string, List<string>> Errors);

    public static string Export(IEnumerable<TransferDestination> destinations, IReadOnlyDictionary<Guid, string> secretaryExtensions)
    {
        var output = new StringBuilder();
        CsvText.Write(output, Columns);
        foreach (TransferDestination d in destinations)
        {
            CsvText.Write(output,
            [
                d.Name,
                string.Join('|', d.Aliases),
                DestinationWords.Text(d.DestinationType),
                d.DestinationNumber,
                d.DestinationContext,
                Number(d.RingTimeoutSeconds),
                Number(d.MaxRetries),
                Number(d.RetryDelaySeconds),
                DestinationWords.Text(d.FallbackAction),
                d.Department,
                d.Role,
                d.Description,
                WorkingHoursText.Format(d.WorkingHours),
                Number(d.Priority),
                d.Enabled ? "true" : "false",
                d.IsDefault ? "true" : "false",
                DestinationWords.Text(d.TransferMode),
                Number(d.AnnounceTimeoutSeconds),
                d.SecretaryId is { } secretary ? secretaryExtensions.GetValueOrDefault(secretary, "") : "",
            ]);
        }

        return output.ToString();
    }

    /// <summary>
    /// Reads a file into rows. A file-level problem (no header, unknown or missing columns, unclosed quote) comes back
    /// in <paramref name="fileError"/> with no rows.
    /// </summary>
    public static IReadOnlyList<Row> Read(string text, IReadOnlyDictionary<string, Guid> secretariesByExtension, out string? fileError)
    {
        IReadOnlyList<CsvText.Record> records = CsvText.Read(text, CsvText.DetectDelimiter(text), out fileError);
        if (fileError is not null)
        {
            return [];
        }

        records = [.. records.Where(r => r.Fields.Any(f => !string.IsNullOrWhiteSpace(f)))];
        if (records.Count == 0)
        {
            fileError = "The file is empty; the first row must name the columns: " + string.Join(",", Columns) + ".";
            return [];
        }

        CsvText.Record header = records[0];
        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (int i = 0; i < header.Fields.Count; i++)
        {
            string column = header.Fields[i].Trim().ToLowerInvariant().Replace(' ', '_');
            if (!Columns.Contains(column))
            {
                fileError = $"Line {header.Line}: unknown column '{header.Fields[i]}'. Columns: {string.Join(",", Columns)}.";
                return [];
            }

            if (!columns.TryAdd(column, i))
            {
                fileError = $"Line {header.Line}: the column '{column}' appears twice.";
                return [];
            }
        }

        string[] missing = [.. RequiredColumns.Where(c => !columns.ContainsKey(c))];
        if (missing.Length > 0)
        {
            fileError = $"Line {header.Line}: missing column(s) {string.Join(", ", missing)}.";
            return [];
        }

        var rows = new List<Row>();
        foreach (CsvText.Record record in records.Skip(1))
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

            if (record.Fields.Count != header.Fields.Count)
            {
                Fail("row", $"The row has {record.Fields.Count} cells; the header has {header.Fields.Count}.");
                rows.Add(new Row(record.Line, new DestinationRequest(), errors));
                continue;
            }

            string? Cell(string column) =>
                columns.TryGetValue(column, out int index) && !string.IsNullOrWhiteSpace(record.Fields[index]) ? record.Fields[index].Trim() : null;

            int? Integer(string column)
            {
                string? cell = Cell(column);
                if (cell is null)
                {
                    return null;
                }

                if (int.TryParse(cell, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value))
                {
                    return value;
                }

                Fail(column, $"'{cell}' is not a whole number.");
                return null;
            }

            bool? Boolean(string column)
            {
                string? cell = Cell(column);
                switch (cell?.ToLowerInvariant())
                {
                    case null:
                        return null;
                    case "true" or "yes" or "1" or "sim" or "si" or "sí" or "x":
                        return true;
                    case "false" or "no" or "0" or "não" or "nao":
                        return false;
                    default:
                        Fail(column, $"'{cell}' is not true or false.");
                        return null;
                }
            }

            Guid? secretaryId = null;
            if (Cell("secretary_extension") is { } extension)
            {
                if (secretariesByExtension.TryGetValue(extension, out Guid id))
                {
                    secretaryId = id;
                }
                else
                {
                    Fail("secretary_extension", $"No secretary of this tenant answers extension '{extension}'; leave it empty for every secretary.");
                }
            }

            var request = new DestinationRequest
            {
                Name = Cell("name"),
                Aliases = Cell("aliases") is { } aliases ? aliases.Split('|', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries) : null,
                DestinationType = Cell("destination_type"),
                DestinationNumber = Cell("destination_number"),
                DestinationContext = Cell("destination_context"),
                RingTimeoutSeconds = Integer("ring_timeout_seconds"),
                MaxRetries = Integer("max_retries"),
                RetryDelaySeconds = Integer("retry_delay_seconds"),
                FallbackAction = Cell("fallback_action"),
                Department = Cell("department"),
                Role = Cell("role"),
                Description = Cell("description"),
                WorkingHours = Cell("working_hours"),
                Priority = Integer("priority"),
                Enabled = Boolean("enabled"),
                IsDefault = Boolean("is_default"),
                TransferMode = Cell("transfer_mode"),
                AnnounceTimeoutSeconds = Integer("announce_timeout_seconds"),
                SecretaryId = secretaryId,
            };
            rows.Add(new Row(record.Line, request, errors));
        }

        return rows;
    }

    private static string Number(int value) => value.ToString(CultureInfo.InvariantCulture);
}
