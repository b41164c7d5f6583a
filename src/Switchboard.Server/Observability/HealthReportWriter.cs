using System.Text.Json;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Switchboard.Server.Observability;

/// <summary>
/// JSON body of the health endpoints:
/// <c>{"status":"Unhealthy","durationMs":1.2,"checks":[{"name":"database","status":"Unhealthy","description":"...","durationMs":0.8}]}</c>.
/// Exception messages are left out: they can carry connection strings; the check's description says what failed.
/// </summary>
internal static class HealthReportWriter
{
    public static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        await using (var json = new Utf8JsonWriter(context.Response.BodyWriter))
        {
            json.WriteStartObject();
            json.WriteString("status", report.Status.ToString());
            json.WriteNumber("durationMs", Math.Round(report.TotalDuration.TotalMilliseconds, 3));
            json.WriteStartArray("checks");
            foreach (var (name, entry) in report.Entries)
            {
                json.WriteStartObject();
                json.WriteString("name", name);
                json.WriteString("status", entry.Status.ToString());
                if (entry.Description is not null)
                {
                    json.WriteString("description", entry.Description);
                }

                if (entry.Exception is not null)
                {
                    json.WriteString("error", entry.Exception.GetType().Name);
                }

                json.WriteNumber("durationMs", Math.Round(entry.Duration.TotalMilliseconds, 3));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
    }
}
