using System.Text;

namespace Switchboard.Server.Transfers.Destinations;

/// <summary>
/// RFC 4180 CSV, small and strict: quoted fields may hold the delimiter, quotes ("") and line breaks; CRLF or LF;
/// a UTF-8 byte order mark is skipped. Records carry the line they start on, for error messages.
/// </summary>
public static class CsvText
{
    public sealed record Record(int Line, IReadOnlyList<string> Fields);

    /// <summary>Splits <paramref name="text"/> into records; a quote left open is reported with its line.</summary>
    public static IReadOnlyList<Record> Read(string text, char delimiter, out string? error)
    {
        error = null;
        var records = new List<Record>();
        var fields = new List<string>();
        var field = new StringBuilder();
        int line = 1;
        int recordLine = 1;
        bool quoted = false;
        bool fieldWasQuoted = false;
        int i = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        for (; i < text.Length; i++)
        {
            char c = text[i];
            if (quoted)
            {
                if (c == '"')
                {
                    if (i + 1 < text.Length && text[i + 1] == '"')
                    {
                        field.Append('"');
                        i++;
                    }
                    else
                    {
                        quoted = false;
                    }
                }
                else
                {
                    if (c == '\n')
                    {
                        line++;
                    }

                    field.Append(c);
                }

                continue;
            }

            if (c == '"' && field.Length == 0 && !fieldWasQuoted)
            {
                quoted = true;
                fieldWasQuoted = true;
            }
            else if (c == delimiter)
            {
                fields.Add(field.ToString());
                field.Clear();
                fieldWasQuoted = false;
            }
            else if (c is '\r' or '\n')
            {
                if (c == '\r' && i + 1 < text.Length && text[i + 1] == '\n')
                {
                    i++;
                }

                fields.Add(field.ToString());
                field.Clear();
                fieldWasQuoted = false;
                records.Add(new Record(recordLine, [.. fields]));
                fields.Clear();
                line++;
                recordLine = line;
            }
            else
            {
                field.Append(c);
            }
        }

        if (quoted)
        {
            error = $"Line {recordLine}: a quoted field is never closed.";
        }

        if (field.Length > 0 || fields.Count > 0 || fieldWasQuoted)
        {
            fields.Add(field.ToString());
            records.Add(new Record(recordLine, [.. fields]));
        }

        return records;
    }

    /// <summary>The delimiter of a file: ';' when the header has semicolons and no commas (spreadsheets in pt-BR), else ','.</summary>
    public static char DetectDelimiter(string text)
    {
        int end = text.IndexOfAny(['\r', '\n']);
        string header = end < 0 ? text : text[..end];
        return header.Contains(';', StringComparison.Ordinal) && !header.Contains(',', StringComparison.Ordinal) ? ';' : ',';
    }

    /// <summary>Appends one record, quoting fields that need it, ending with CRLF (RFC 4180).</summary>
    public static void Write(StringBuilder output, IEnumerable<string?> fields)
    {
        bool first = true;
        foreach (string? value in fields)
        {
            if (!first)
            {
                output.Append(',');
            }

            first = false;
            string text = value ?? "";
            if (text.AsSpan().IndexOfAny(",\"\r\n;") >= 0 || (text.Length > 0 && (char.IsWhiteSpace(text[0]) || char.IsWhiteSpace(text[^1]))))
            {
                output.Append('"').Append(text.Replace("\"", "\"\"", StringComparison.Ordinal)).Append('"');
            }
            else
            {
                output.Append(text);
            }
        }

        output.Append("\r\n");
    }
}
