using System.Net;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;
using Switchboard.Server.Security;
using Switchboard.Server.Tests.Support;

namespace Switchboard.Server.Tests.Admin;

/// <summary>The server with a known first-admin password and API key, and helpers to sign in to the console.</summary>
public class ConsoleServer : SwitchboardServerFactory
{
    public const string AdminPassword = "console-admin-password";
    public const string ApiKey = "console-test-api-key-0123456789";

    public ConsoleServer()
    {
        UseSetting("Security:AdminPassword", AdminPassword);
        UseSetting("Security:AdminApiKey", ApiKey);
    }

    /// <summary>A client keeping its cookies in <paramref name="cookies"/> (a new jar by default) that does not follow redirects.</summary>
    public HttpClient Browser(CookieContainer? cookies = null) => CreateDefaultClient(new CookieContainerHandler(cookies ?? new CookieContainer()));

    /// <summary>Signs in through the login form (with its antiforgery token); returns where the server sent the user.</summary>
    public static async Task<HttpResponseMessage> PostLoginAsync(HttpClient browser, string userName, string password)
    {
        string page = await browser.GetStringAsync("/admin/login");
        string token = AntiforgeryToken(page);
        return await browser.PostAsync("/admin/account/login", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["__RequestVerificationToken"] = token,
            ["userName"] = userName,
            ["password"] = password,
            ["returnUrl"] = "/admin",
        }));
    }

    public async Task<HttpClient> SignedInAsync(string userName, string password, CookieContainer? cookies = null)
    {
        HttpClient browser = Browser(cookies);
        HttpResponseMessage response = await PostLoginAsync(browser, userName, password);
        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/admin", response.Headers.Location?.OriginalString);
        return browser;
    }

    /// <summary>Creates a console user directly in the store.</summary>
    public async Task CreateUserAsync(string userName, string password, string role, Guid? tenantId)
    {
        await using AsyncServiceScope scope = Services.CreateAsyncScope();
        await scope.ServiceProvider.GetRequiredService<ConsoleUsers>().CreateAsync(userName, userName, password, role, tenantId, CancellationToken.None);
    }

    /// <summary>A page's HTML with character references decoded (the encoder writes "+" as a reference).</summary>
    public static async Task<string> PageAsync(HttpClient browser, string url) => WebUtility.HtmlDecode(await browser.GetStringAsync(url));

    public static string AntiforgeryToken(string html)
    {
        Match match = Regex.Match(html, "name=\"__RequestVerificationToken\" value=\"([^\"]+)\"");
        Assert.True(match.Success, "The page has no antiforgery token.");
        return WebUtility.HtmlDecode(match.Groups[1].Value);
    }
}
