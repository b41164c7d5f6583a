using Switchboard.Sandbox;
using Switchboard.Server.Security;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Telephony;

/// <summary>
/// <c>/api/sandbox/calls</c>: place, list, drive and hang up calls in the built-in PBX sandbox, as a
/// caller on a phone would. Only mapped in sandbox mode; needs the operator API key.
/// </summary>
public static class SandboxCallsEndpoints
{
    public static WebApplication MapSandboxCalls(this WebApplication app)
    {
        RouteGroupBuilder group = app.MapGroup("/api/sandbox/calls").RequireAuthorization(SecurityServiceCollectionExtensions.AdminPolicy);
        group.MapPost("/", PlaceAsync);
        group.MapGet("/", List);
        group.MapGet("/{uuid}", Get);
        group.MapPost("/{uuid}/dtmf/{digits}", SendDtmf);
        group.MapPost("/{uuid}/text", SendText);
        group.MapDelete("/{uuid}", HangupAsync);
        return app;
    }

    public sealed record PlaceCallRequest(
        string? Destination,
        string? Domain,
        string? CallerIdNumber,
        string? CallerIdName,
        double? ToneHz,
        string? WavFile);

    /// <summary>What the caller types instead of speaking (text-mode test call).</summary>
    public sealed record CallerTextRequest(string? Text);

    public sealed record SandboxCallView(
        string Uuid,
        string Name,
        string Destination,
        string CallerIdNumber,
        string State,
        string CallState,
        bool Answered,
        string? HangupCause,
        IReadOnlyList<string> Recordings);

    private static async Task<IResult> PlaceAsync(PlaceCallRequest request, SandboxPbx pbx, TenantDirectory tenants, CancellationToken cancellationToken)
    {
        string destination = string.IsNullOrWhiteSpace(request.Destination) ? DemoTenant.SecretaryExtension : request.Destination.Trim();
        string domain = string.IsNullOrWhiteSpace(request.Domain) ? DemoTenant.DomainName : request.Domain.Trim();
        if (await tenants.FindByDomainNameAsync(domain, cancellationToken) is null)
        {
            return Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown domain", detail: $"No tenant has the domain '{domain}'.");
        }

        CallerAudio audio = CallerAudio.Silence;
        if (!string.IsNullOrWhiteSpace(request.WavFile))
        {
            if (!File.Exists(request.WavFile))
            {
                return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "WAV file not found", detail: request.WavFile);
            }

            audio = CallerAudio.WavFile(request.WavFile);
        }
        else if (request.ToneHz is > 0 and < 4000)
        {
            audio = CallerAudio.Tone(request.ToneHz.Value);
        }

        SandboxChannel channel = await pbx.PlaceInboundCallAsync(
            new SandboxCallRequest
            {
                DomainName = domain,
                Destination = destination,
                CallerIdNumber = string.IsNullOrWhiteSpace(request.CallerIdNumber) ? "+5511999990000" : request.CallerIdNumber,
                CallerIdName = string.IsNullOrWhiteSpace(request.CallerIdName) ? "Sandbox Caller" : request.CallerIdName,
                Audio = audio,
            },
            cancellationToken);
        return Results.Created($"/api/sandbox/calls/{channel.Uuid}", View(channel));
    }

    private static IResult List(SandboxPbx pbx) => Results.Ok(pbx.Channels.Select(View).ToArray());

    private static IResult Get(string uuid, SandboxPbx pbx) =>
        pbx.FindChannel(uuid) is { } channel ? Results.Ok(View(channel)) : NotFound(uuid);

    /// <summary>Sends typed caller text down the call's media stream, as <c>uuid_audio_stream &lt;uuid&gt; send_text</c> does.</summary>
    private static IResult SendText(string uuid, CallerTextRequest request, SandboxPbx pbx)
    {
        if (pbx.FindChannel(uuid) is not { } channel)
        {
            return NotFound(uuid);
        }

        string text = request.Text?.Trim() ?? "";
        if (text.Length is 0 or > Calls.CallerText.MaxLength)
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid text", detail: $"Text of 1 to {Calls.CallerText.MaxLength} characters.");
        }

        if (channel.AudioStream is not { } stream || !stream.SendText(text))
        {
            return Results.Problem(statusCode: StatusCodes.Status409Conflict, title: "No media stream", detail: $"Call {uuid} has no open media stream to send text to.");
        }

        return Results.Accepted();
    }

    private static IResult SendDtmf(string uuid, string digits, SandboxPbx pbx)
    {
        if (pbx.FindChannel(uuid) is not { } channel)
        {
            return NotFound(uuid);
        }

        if (digits.Length is 0 or > 32 || !digits.All(d => char.IsAsciiDigit(d) || d is '*' or '#'))
        {
            return Results.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid DTMF", detail: "Digits 0-9, * and # only, at most 32.");
        }

        foreach (char digit in digits)
        {
            channel.SendDtmf(digit);
        }

        return Results.Accepted();
    }

    private static async Task<IResult> HangupAsync(string uuid, SandboxPbx pbx)
    {
        if (pbx.FindChannel(uuid) is not { } channel)
        {
            return NotFound(uuid);
        }

        await channel.HangupAsync();
        return Results.NoContent();
    }

    private static IResult NotFound(string uuid) =>
        Results.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such call", detail: $"No sandbox channel {uuid}.");

    private static SandboxCallView View(SandboxChannel channel) => new(
        channel.Uuid,
        channel.Name,
        channel.DestinationNumber,
        channel.CallerIdNumber,
        channel.State,
        channel.CallState,
        channel.IsAnswered,
        channel.HangupCause,
        channel.RecordingPaths);
}
