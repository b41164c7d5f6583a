using System.Globalization;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Localization;
using Microsoft.AspNetCore.Mvc;
using Switchboard.Server.Calls;
using Switchboard.Server.Security;
using Switchboard.Server.Tenancy;

namespace Switchboard.Server.Admin;

/// <summary>
/// Plain HTTP endpoints of the console: sign in and out (the cookie can only be set outside a circuit), switch the
/// language or (admins) the tenant, and play a voice sample.
/// </summary>
public static class ConsoleAccountEndpoints
{
    /// <summary>Cookie holding the tenant an admin chose.</summary>
    public const string TenantCookie = "switchboard.tenant";

    public static IEndpointRouteBuilder MapConsoleAccount(this IEndpointRouteBuilder app)
    {
        app.MapPost("/admin/account/login", LoginAsync).AllowAnonymous();
        app.MapPost("/admin/account/logout", (Delegate)LogoutAsync).RequireAuthorization();
        app.MapGet("/admin/account/culture", SetCulture).AllowAnonymous();
        app.MapGet("/admin/account/tenant", SwitchTenantAsync).RequireAuthorization(SecurityServiceCollectionExtensions.AdminPolicy);
        app.MapGet("/admin/voice-preview/{secretaryId:guid}", VoicePreviewAsync).RequireAuthorization();
        app.MapPost("/admin/destinations/import", ImportDestinationsAsync).RequireAuthorization(SecurityServiceCollectionExtensions.SupervisorPolicy);
        app.MapGet("/admin/destinations.csv", ExportDestinationsAsync).RequireAuthorization(SecurityServiceCollectionExtensions.SupervisorPolicy);
        return app;
    }

    private static async Task<IResult> LoginAsync(
        [FromForm] string? userName,
        [FromForm] string? password,
        [FromForm] string? returnUrl,
        HttpContext http,
        ConsoleUsers users,
        ILogger<ConsoleUsers> logger)
    {
        string target = LocalUrl(returnUrl, "/admin");
        ConsoleUser? user = string.IsNullOrWhiteSpace(userName) || string.IsNullOrEmpty(password)
            ? null
            : await users.CheckPasswordAsync(userName, password, http.RequestAborted);
        if (user is null)
        {
            Log.SignInFailed(logger, userName ?? "");
            return Results.Redirect($"/admin/login?error=1&returnUrl={Uri.EscapeDataString(target)}");
        }

        await http.SignInAsync(SecurityServiceCollectionExtensions.ConsoleScheme, ConsoleUsers.Principal(user));
        Log.SignedIn(logger, user.UserName);
        return Results.LocalRedirect(target);
    }

    private static async Task<IResult> LogoutAsync(HttpContext http)
    {
        await http.SignOutAsync(SecurityServiceCollectionExtensions.ConsoleScheme);
        http.Response.Cookies.Delete(TenantCookie);
        return Results.LocalRedirect("/admin/login");
    }

    private static IResult SetCulture(string? culture, string? returnUrl, HttpContext http)
    {
        string chosen = AdminServiceCollectionExtensions.Cultures.FirstOrDefault(c => string.Equals(c, culture, StringComparison.OrdinalIgnoreCase))
            ?? AdminServiceCollectionExtensions.Cultures[0];
        http.Response.Cookies.Append(
            CookieRequestCultureProvider.DefaultCookieName,
            CookieRequestCultureProvider.MakeCookieValue(new RequestCulture(chosen)),
            new CookieOptions { Expires = DateTimeOffset.UtcNow.AddYears(1), IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
        return Results.LocalRedirect(LocalUrl(returnUrl, "/admin"));
    }

    private static async Task<IResult> SwitchTenantAsync(Guid id, string? returnUrl, HttpContext http, TenantDirectory tenants)
    {
        if (await tenants.FindByIdAsync(id, http.RequestAborted) is null)
        {
            return Results.NotFound();
        }

        http.Response.Cookies.Append(TenantCookie, id.ToString(), new CookieOptions { IsEssential = true, SameSite = SameSiteMode.Lax, HttpOnly = true });
        return Results.LocalRedirect(LocalUrl(returnUrl, "/admin"));
    }

    /// <summary>A WAV sample of the secretary's greeting (or <paramref name="text"/>) in its language, with the offline voice.</summary>
    private static async Task<IResult> VoicePreviewAsync(Guid secretaryId, string? text, HttpContext http, ConsoleSession session, SpeechVoices voices)
    {
        await session.EnsureAsync(http.User, http.Request.Cookies[TenantCookie]);
        Secretaries.Secretary? secretary = await session.RunAsync(async (_, db) =>
            await Microsoft.EntityFrameworkCore.EntityFrameworkQueryableExtensions.FirstOrDefaultAsync(db.Secretaries, s => s.Id == secretaryId, http.RequestAborted));
        if (secretary is null)
        {
            return Results.NotFound();
        }

        string phrase = string.IsNullOrWhiteSpace(text) ? secretary.Greeting : text.Trim();
        if (phrase.Length > 300)
        {
            phrase = phrase[..300];
        }

        const int rate = 16000;
        using var pcm = new MemoryStream();
        await foreach (ReadOnlyMemory<byte> chunk in voices.For(secretary.Language, rate).SynthesizeAsync(phrase, http.RequestAborted))
        {
            pcm.Write(chunk.Span);
        }

        return Results.File(Wav.FromPcm16(pcm.GetBuffer().AsSpan(0, (int)pcm.Length), rate), "audio/wav");
    }

    private static async Task<IResult> ImportDestinationsAsync(IFormFile file, [FromForm] string? replace, HttpContext http, ConsoleSession session)
    {
        await session.EnsureAsync(http.User, http.Request.Cookies[TenantCookie]);
        if (file.Length > Transfers.Destinations.DestinationsEndpoints.MaxCsvBytes)
        {
            return Results.LocalRedirect("/admin/destinations?importError=" + Uri.EscapeDataString("The file is larger than 1 MB."));
        }

        string csv;
        await using (Stream stream = file.OpenReadStream())
        using (var reader = new StreamReader(stream))
        {
            csv = await reader.ReadToEndAsync(http.RequestAborted);
        }

        Transfers.Destinations.DestinationImportMode mode = replace == "true" ? Transfers.Destinations.DestinationImportMode.Replace : Transfers.Destinations.DestinationImportMode.Upsert;
        Transfers.Destinations.DestinationImport result = await session.RunAsync((services, _) =>
            services.GetRequiredService<Transfers.Destinations.DestinationCatalog>().ImportCsvAsync(csv, mode, http.RequestAborted));
        return result switch
        {
            Transfers.Destinations.DestinationImport.Applied applied => Results.LocalRedirect(Invariant($"/admin/destinations?imported={applied.Created},{applied.Updated},{applied.Deleted}")),
            Transfers.Destinations.DestinationImport.Rejected rejected => Results.LocalRedirect("/admin/destinations?importError=" + Uri.EscapeDataString(Cut(
                rejected.FileError ?? string.Join(" ", rejected.Rows.Select(r => Invariant($"Line {r.Line}: {string.Join(" ", r.Errors.SelectMany(e => e.Value))}"))), 1500))),
            _ => throw new InvalidOperationException("Unexpected import result."),
        };
    }

    private static string Cut(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    private static async Task<IResult> ExportDestinationsAsync(HttpContext http, ConsoleSession session)
    {
        await session.EnsureAsync(http.User, http.Request.Cookies[TenantCookie]);
        string csv = await session.RunAsync((services, _) =>
            services.GetRequiredService<Transfers.Destinations.DestinationCatalog>().ExportCsvAsync(http.RequestAborted));
        return Results.File(System.Text.Encoding.UTF8.GetBytes(csv), Transfers.Destinations.DestinationCsv.ContentType, "destinations.csv");
    }

    /// <summary>The URL when it is a local path, else <paramref name="fallback"/> (no open redirects).</summary>
    internal static string LocalUrl(string? url, string fallback) =>
        !string.IsNullOrEmpty(url) && url.StartsWith('/') && !url.StartsWith("//", StringComparison.Ordinal) && !url.StartsWith("/\\", StringComparison.Ordinal)
            ? url
            : fallback;

    internal static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}

/// <summary>Mono PCM16 WAV container.</summary>
internal static class Wav
{
    public static byte[] FromPcm16(ReadOnlySpan<byte> pcm, int sampleRate)
    {
        byte[] wav = new byte[44 + pcm.Length];
        Span<byte> header = wav.AsSpan(0, 44);
        "RIFF"u8.CopyTo(header);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header[4..], 36 + pcm.Length);
        "WAVEfmt "u8.CopyTo(header[8..]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header[16..], 16);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(header[20..], 1);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(header[22..], 1);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header[24..], sampleRate);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header[28..], sampleRate * 2);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(header[32..], 2);
        System.Buffers.Binary.BinaryPrimitives.WriteInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        System.Buffers.Binary.BinaryPrimitives.WriteInt32LittleEndian(header[40..], pcm.Length);
        pcm.CopyTo(wav.AsSpan(44));
        return wav;
    }
}
