using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;
using Switchboard.Protocols.Realtime;
using Switchboard.Server.Contacts;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Tools;

/// <summary>
/// <c>check_appointment</c>: the caller's appointments on a day (in the tenant's time zone) or the next ones, from the
/// appointments table, or from the tenant's scheduling system when the secretary has an appointments webhook.
/// </summary>
internal sealed class CheckAppointmentTool : ICallTool
{
    /// <summary>Most appointments told at once: a phone answer, not a report.</summary>
    private const int MaxAppointments = 10;

    private const string Schema =
        """
        {
          "type": "object",
          "properties": {
            "date": { "type": ["string", "null"], "description": "Day to check as YYYY-MM-DD, in the company's time zone; null for the caller's next appointments." },
            "phone": { "type": ["string", "null"], "description": "A phone number the caller gave; null to use the number they are calling from." }
          },
          "required": ["date", "phone"],
          "additionalProperties": false
        }
        """;

    private readonly SwitchboardDbContext _db;
    private readonly IHttpClientFactory _http;
    private readonly ToolsOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<CheckAppointmentTool> _logger;

    public CheckAppointmentTool(
        SwitchboardDbContext db, IHttpClientFactory http, IOptions<ToolsOptions> options, TimeProvider time, ILogger<CheckAppointmentTool> logger)
    {
        _db = db;
        _http = http;
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    public string Name => ToolNames.CheckAppointment;

    public ToolDefinition Describe(string language) => new(
        Name,
        "Look up the caller's appointments: on a given day, or the next ones when no date is given. Dates and times "
        + "returned are in the company's time zone, with today's date for reference.",
        Schema);

    public async Task<ToolOutcome> InvokeAsync(ToolCallContext context, JsonElement arguments, CancellationToken cancellationToken)
    {
        DateOnly? date = null;
        if (ToolArguments.GetText(arguments, "date") is { } text)
        {
            if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out DateOnly parsed))
            {
                return Error($"date '{text}' is not YYYY-MM-DD (e.g. 2026-03-04)");
            }

            date = parsed;
        }

        string? phone = PhoneNumbers.ToE164(ToolArguments.GetText(arguments, "phone") ?? context.CallerNumber);
        if (phone is null)
        {
            return Error("the caller's number is hidden; ask for their phone number and call check_appointment with it");
        }

        string timeZoneId = await _db.Tenants.AsNoTracking().Select(tenant => tenant.TimeZone).FirstOrDefaultAsync(cancellationToken)
            ?? Tenant.DefaultTimeZone;
        TimeZoneInfo zone = TimeZoneInfo.TryFindSystemTimeZoneById(timeZoneId, out TimeZoneInfo? found) ? found : TimeZoneInfo.Utc;

        string? webhook = context.SecretaryId is { } secretaryId
            ? await _db.Secretaries.AsNoTracking()
                .Where(secretary => secretary.Id == secretaryId)
                .Select(secretary => secretary.AppointmentsWebhookUrl)
                .FirstOrDefaultAsync(cancellationToken)
            : null;
        return string.IsNullOrWhiteSpace(webhook)
            ? await FromTableAsync(phone, date, zone, timeZoneId, cancellationToken)
            : await FromWebhookAsync(webhook, context, phone, date, timeZoneId, cancellationToken);
    }

    private async Task<ToolOutcome> FromTableAsync(string phone, DateOnly? date, TimeZoneInfo zone, string timeZoneId, CancellationToken cancellationToken)
    {
        DateTimeOffset now = _time.GetUtcNow();
        IQueryable<Appointment> query = _db.Appointments.AsNoTracking().Where(appointment => appointment.ContactPhone == phone);
        if (date is { } day)
        {
            DateTimeOffset from = StartOfDay(day, zone);
            DateTimeOffset to = StartOfDay(day.AddDays(1), zone);
            query = query.Where(appointment => appointment.StartsAt >= from && appointment.StartsAt < to);
        }
        else
        {
            query = query.Where(appointment => appointment.StartsAt >= now);
        }

        List<Appointment> appointments = await query.OrderBy(appointment => appointment.StartsAt).Take(MaxAppointments).ToListAsync(cancellationToken);
        return new ToolOutcome(
            ToolResults.Write(json =>
            {
                json.WriteBoolean("ok", true);
                json.WriteString("phone", phone);
                json.WriteString("time_zone", timeZoneId);
                json.WriteString("today", Format(TimeZoneInfo.ConvertTime(now, zone), "yyyy-MM-dd"));
                json.WriteNullable("date", date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
                json.WriteStartArray("appointments");
                foreach (Appointment appointment in appointments)
                {
                    DateTimeOffset local = TimeZoneInfo.ConvertTime(appointment.StartsAt, zone);
                    json.WriteStartObject();
                    json.WriteString("date", Format(local, "yyyy-MM-dd"));
                    json.WriteString("time", Format(local, "HH:mm"));
                    json.WriteString("weekday", local.DayOfWeek.ToString());
                    json.WriteNullable("with", appointment.WithWhom);
                    json.WriteNullable("description", appointment.Description);
                    json.WriteString("status", SnakeCase.From(appointment.Status.ToString()));
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }),
            ToolAction.None);
    }

    /// <summary>POSTs the question to the tenant's system and hands its JSON answer to the agent (with <c>"ok"</c> added).</summary>
    private async Task<ToolOutcome> FromWebhookAsync(
        string webhook, ToolCallContext context, string phone, DateOnly? date, string timeZoneId, CancellationToken cancellationToken)
    {
        if (!Uri.TryCreate(webhook, UriKind.Absolute, out Uri? url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return Unavailable(context.TenantId, $"the webhook URL '{webhook}' is not an http(s) URL");
        }

        string body = ToolResults.Write(json =>
        {
            json.WriteString("tenant_id", context.TenantId);
            json.WriteNullable("secretary_id", context.SecretaryId?.ToString());
            json.WriteString("call_uuid", context.CallUuid);
            json.WriteString("caller_number", context.CallerNumber);
            json.WriteString("phone", phone);
            json.WriteNullable("date", date?.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
            json.WriteString("time_zone", timeZoneId);
            json.WriteString("language", context.Language);
        });

        using var timeout = new CancellationTokenSource(_options.WebhookTimeout, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        byte[] answer;
        try
        {
            HttpClient client = _http.CreateClient(ToolsServiceCollectionExtensions.WebhookClient);
            using var content = new StringContent(body, Encoding.UTF8, "application/json");
            using HttpResponseMessage response = await client.PostAsync(url, content, linked.Token);
            if (!response.IsSuccessStatusCode)
            {
                return Unavailable(context.TenantId, $"it answered HTTP {(int)response.StatusCode}");
            }

            answer = await ReadLimitedAsync(response.Content, _options.MaxWebhookResponseBytes, linked.Token);
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return Unavailable(context.TenantId, $"it did not answer within {_options.WebhookTimeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException exception)
        {
            return Unavailable(context.TenantId, $"it could not be reached ({exception.HttpRequestError})");
        }
        catch (InvalidDataException exception)
        {
            return Unavailable(context.TenantId, exception.Message);
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(answer);
            JsonElement root = document.RootElement;
            return new ToolOutcome(
                ToolResults.Write(json =>
                {
                    if (root.ValueKind != JsonValueKind.Object)
                    {
                        json.WriteBoolean("ok", true);
                        json.WritePropertyName("result");
                        root.WriteTo(json);
                        return;
                    }

                    if (!root.TryGetProperty("ok", out _))
                    {
                        json.WriteBoolean("ok", true);
                    }

                    foreach (JsonProperty property in root.EnumerateObject())
                    {
                        property.WriteTo(json);
                    }
                }),
                ToolAction.None);
        }
        catch (JsonException)
        {
            return Unavailable(context.TenantId, "its answer is not JSON");
        }
    }

    private static async Task<byte[]> ReadLimitedAsync(HttpContent content, int limit, CancellationToken cancellationToken)
    {
        await using Stream stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        byte[] chunk = new byte[8192];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > limit)
            {
                throw new InvalidDataException($"its answer is larger than {limit} bytes");
            }

            await buffer.WriteAsync(chunk.AsMemory(0, read), cancellationToken);
        }

        return buffer.ToArray();
    }

    private ToolOutcome Unavailable(Guid tenantId, string reason)
    {
        Log.WebhookFailed(_logger, tenantId, reason);
        return Error($"the appointment system is unavailable ({reason}); tell the caller you cannot check appointments right now and offer to take a message");
    }

    private static ToolOutcome Error(string message) => new(ToolResults.Error(message), ToolAction.None);

    private static string Format(DateTimeOffset value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

    /// <summary>The instant a local day starts; a midnight skipped by a daylight-saving change starts an hour later.</summary>
    private static DateTimeOffset StartOfDay(DateOnly day, TimeZoneInfo zone)
    {
        DateTime local = day.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        while (zone.IsInvalidTime(local))
        {
            local = local.AddMinutes(30);
        }

        return new DateTimeOffset(TimeZoneInfo.ConvertTimeToUtc(local, zone), TimeSpan.Zero);
    }
}
