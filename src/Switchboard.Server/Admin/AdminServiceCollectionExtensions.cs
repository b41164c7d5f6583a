using System.Globalization;
using Microsoft.AspNetCore.Localization;
using Switchboard.Server.Admin.Components;

namespace Switchboard.Server.Admin;

public static class AdminServiceCollectionExtensions
{
    /// <summary>The console's languages; the first is the default.</summary>
    public static readonly IReadOnlyList<string> Cultures = ["en", "pt-BR"];

    /// <summary>
    /// The admin console: Blazor components rendered on the server (forms post back; regions marked <c>data-live</c>
    /// refresh in place), <see cref="ConsoleSession"/> (per request), <see cref="ConsoleText"/>, the provider connection
    /// test and the console's <see cref="TestCalls"/>. Needs
    /// <c>AddSecurity</c> (cookie scheme and roles) and <c>AddData</c>; pair with <see cref="MapAdmin"/>.
    /// </summary>
    public static WebApplicationBuilder AddAdmin(this WebApplicationBuilder builder)
    {
        builder.Services.AddRazorComponents();

        // Portuguese text is written as is, not as character references.
        builder.Services.Configure<Microsoft.Extensions.WebEncoders.WebEncoderOptions>(options =>
            options.TextEncoderSettings = new System.Text.Encodings.Web.TextEncoderSettings(System.Text.Unicode.UnicodeRanges.All));
        builder.Services.AddCascadingAuthenticationState();
        builder.Services.AddHttpClient(ProviderConnectionTest.HttpClientName, client => client.Timeout = TimeSpan.FromSeconds(10));
        builder.Services.AddScoped<ConsoleSession>();
        builder.Services.AddScoped<ConsoleText>();
        builder.Services.AddScoped<ProviderConnectionTest>();
        builder.Services.AddSingleton<TestCalls>();
        return builder;
    }

    /// <summary>
    /// Maps the console under <c>/admin</c> (login, culture and tenant switches, voice preview, the pages) with the
    /// middleware it needs: static assets, request localization (console paths only) and antiforgery.
    /// </summary>
    public static WebApplication MapAdmin(this WebApplication app)
    {
        var localization = new RequestLocalizationOptions
        {
            DefaultRequestCulture = new RequestCulture(Cultures[0]),
            SupportedCultures = [.. Cultures.Select(CultureInfo.GetCultureInfo)],
            SupportedUICultures = [.. Cultures.Select(CultureInfo.GetCultureInfo)],
        };
        localization.RequestCultureProviders = [new CookieRequestCultureProvider()];
        app.UseWhen(
            context => context.Request.Path.StartsWithSegments("/admin", StringComparison.OrdinalIgnoreCase)
                || context.Request.Path == "/",
            branch => branch.UseRequestLocalization(localization));
        app.UseAntiforgery();
        app.MapStaticAssets();
        app.MapGet("/", () => Results.Redirect("/admin")).ExcludeFromDescription();
        app.MapConsoleAccount();
        app.MapTestCallAudio();
        app.MapRazorComponents<App>();
        return app;
    }
}
