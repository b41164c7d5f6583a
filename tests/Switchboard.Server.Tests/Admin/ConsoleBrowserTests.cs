using System.Text.RegularExpressions;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Switchboard.Server.Data;
using Switchboard.Server.Tenancy;
using static Microsoft.Playwright.Assertions;

namespace Switchboard.Server.Tests.Admin;

/// <summary>
/// The admin console in a real browser (Debian's Chromium driven by Playwright) against the real server on a loopback
/// port: sign in, create, validate and edit a destination, a text-mode test call to the offline secretary that asks
/// for "financeiro", meets a busy extension and leaves a message, the new ticket appearing on an open tickets page
/// without a reload, the conversation's transcript, and the console in Portuguese. Screenshots of each page go to
/// TestResults/screenshots.
/// </summary>
public sealed class ConsoleBrowserTests : IClassFixture<ConsoleBrowserTests.Server>, IAsyncLifetime
{
    private static readonly TimeSpan CallStep = TimeSpan.FromSeconds(60);
    private readonly Server _server;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    public ConsoleBrowserTests(Server server) => _server = server;

    public sealed class Server : ConsoleServer
    {
        public Server()
        {
            UseKestrel(0);
            UseSetting("Calls:EchoTest", "false");
        }
    }

    /// <summary>The Chromium to drive: <c>SWITCHBOARD_TEST_CHROMIUM</c> (test.sh exports it), else Debian's.</summary>
    public static string ChromiumPath => Environment.GetEnvironmentVariable("SWITCHBOARD_TEST_CHROMIUM") is { Length: > 0 } path ? path : "/usr/bin/chromium";

    public async Task InitializeAsync()
    {
        Assert.True(File.Exists(ChromiumPath), $"Chromium not found at {ChromiumPath}: apt-get install -y chromium (test.sh does).");
        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = ChromiumPath,
            Headless = true,
            Args =
            [
                "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                // The microphone test call: Chromium's fake capture device (a periodic beep), no permission prompt, audio may play.
                "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream", "--autoplay-policy=no-user-gesture-required",
            ],
        });
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }

        _playwright?.Dispose();
    }

    [Fact]
    public async Task An_operator_configures_a_destination_runs_a_text_test_call_that_leaves_a_message_and_reads_the_console_in_portuguese()
    {
        string baseUrl = _server.ServerAddress.ToString().TrimEnd('/');
        await OpenAllHoursAsync();
        await using IBrowserContext context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, Locale = "en-US", ViewportSize = new ViewportSize { Width = 1280, Height = 900 } });
        context.SetDefaultTimeout(15_000);
        IPage page = await context.NewPageAsync();

        // Sign in.
        await page.GotoAsync("/admin/destinations");
        await Expect(page).ToHaveURLAsync(new Regex("/admin/login"));
        await ShotAsync(page, "01-login");
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", ConsoleServer.AdminPassword);
        await page.ClickAsync("#sign-in");
        await Expect(page).ToHaveURLAsync(new Regex("/admin/destinations$"));
        await Expect(page.Locator("#destinations")).ToContainTextAsync("Jeni - Financeiro");
        await Expect(page.Locator("#destinations tr", new() { HasText = "Atendimento" }).Locator(".badge")).ToHaveTextAsync("default");
        await ShotAsync(page, "02-destinations");

        // Create a destination: the validator's messages come back on the form, then it saves.
        await page.ClickAsync("#new-destination");
        await page.FillAsync("#name", "Recepção");
        await page.FillAsync("#aliases", "recepção, portaria");
        await page.FillAsync("#ring-timeout", "2");
        await page.ClickAsync("#save");
        await Expect(page.Locator(".field-errors[data-field='destination_number']")).ToBeVisibleAsync();
        await Expect(page.Locator(".field-errors[data-field='ring_timeout_seconds']")).ToBeVisibleAsync();
        await Expect(page.Locator("#name")).ToHaveValueAsync("Recepção");
        await ShotAsync(page, "03-destination-validation");
        await page.FillAsync("#number", "1010");
        await page.FillAsync("#ring-timeout", "20");
        await page.ClickAsync("#save");
        await Expect(page).ToHaveURLAsync(new Regex("/admin/destinations$"));
        ILocator reception = page.Locator("#destinations tr", new() { HasText = "Recepção" });
        await Expect(reception).ToContainTextAsync("1010");
        await Expect(reception).ToContainTextAsync("20 s");

        // Edit it: a name taken by another destination is refused, a new timeout is kept.
        await reception.Locator("a", new() { HasText = "Edit" }).ClickAsync();
        await Expect(page.Locator("#number")).ToHaveValueAsync("1010");
        await page.FillAsync("#name", "jeni - FINANCEIRO");
        await page.ClickAsync("#save");
        await Expect(page.Locator(".field-errors[data-field='name']")).ToContainTextAsync("already has a destination");
        await page.FillAsync("#name", "Recepção");
        await page.FillAsync("#ring-timeout", "40");
        await page.ClickAsync("#save");
        await Expect(page).ToHaveURLAsync(new Regex("/admin/destinations$"));
        await Expect(page.Locator("#destinations tr", new() { HasText = "Recepção" })).ToContainTextAsync("40 s");

        // A second tab keeps the tickets page open: the new ticket must appear there without a reload.
        IPage tickets = await context.NewPageAsync();
        await tickets.GotoAsync("/admin/tickets");
        await Expect(tickets.Locator("#tickets tbody tr")).ToHaveCountAsync(0);
        await tickets.EvaluateAsync("() => { window.__notReloaded = true; }");

        // Text-mode test call: "financeiro" is busy, the caller leaves a message.
        await page.GotoAsync("/admin/test-call");
        await page.SelectOptionAsync("select.behaviour[data-number='1004']", "busy");
        await ShotAsync(page, "04-test-call-setup");
        await page.ClickAsync("#start-call");
        await Expect(page).ToHaveURLAsync(new Regex("/admin/test-call/[0-9a-f-]+$"));
        ILocator transcript = page.Locator("#live-transcript");
        await Expect(transcript).ToContainTextAsync("disque 1", new() { Timeout = (float)CallStep.TotalMilliseconds });
        await page.FillAsync("#say", "quero falar com o financeiro");
        await page.ClickAsync("#send");
        await Expect(transcript.Locator("li.caller")).ToContainTextAsync(["quero falar com o financeiro"], new() { Timeout = (float)CallStep.TotalMilliseconds });
        await Expect(transcript).ToContainTextAsync("após o sinal", new() { Timeout = (float)CallStep.TotalMilliseconds });
        await page.FillAsync("#say", "Por favor me liguem sobre o boleto");
        await page.ClickAsync("#send");
        try
        {
            await Expect(page.Locator("#call-state")).ToHaveAttributeAsync("data-state", "ended", new() { Timeout = (float)CallStep.TotalMilliseconds });
        }
        catch (PlaywrightException ex)
        {
            await ShotAsync(page, "failed-test-call");
            throw new InvalidOperationException("The test call did not end; transcript: " + await transcript.InnerTextAsync(), ex);
        }
        await Expect(page.Locator("#conversation-link")).ToBeVisibleAsync(new() { Timeout = (float)CallStep.TotalMilliseconds });
        await ShotAsync(page, "05-test-call");

        // The ticket appeared on the open tickets page, which was not reloaded.
        ILocator ticketRow = tickets.Locator("#tickets tbody tr", new() { HasText = "Financeiro" });
        await Expect(ticketRow).ToHaveCountAsync(1, new() { Timeout = (float)CallStep.TotalMilliseconds });
        await Expect(ticketRow).ToContainTextAsync("+5511955550000");
        Assert.True(await tickets.EvaluateAsync<bool>("() => window.__notReloaded === true"));
        await ShotAsync(tickets, "06-tickets");
        await ticketRow.Locator("a").ClickAsync();
        await Expect(tickets.Locator("#message")).ToContainTextAsync("boleto");
        await tickets.SelectOptionAsync("#status", "InProgress");
        await tickets.SelectOptionAsync("#assignee", new SelectOptionValue { Label = "Administrator (admin)" });
        await tickets.ClickAsync("#save");
        await Expect(tickets.Locator("#saved")).ToBeVisibleAsync();
        await Expect(tickets.Locator("#status")).ToHaveValueAsync("InProgress");
        await ShotAsync(tickets, "07-ticket");

        // The conversation: transcript with the typed text, the tool calls and the busy transfer attempt.
        await page.ClickAsync("#conversation-link");
        await Expect(page.Locator("#transcript")).ToContainTextAsync("quero falar com o financeiro");
        await Expect(page.Locator("#transcript")).ToContainTextAsync("boleto");
        await Expect(page.Locator("#tool-calls")).ToContainTextAsync("take_message");
        await Expect(page.Locator("#transfer-attempts")).ToContainTextAsync("Busy");
        await Expect(page.Locator("#outcome")).ToContainTextAsync("TicketCreated");
        await ShotAsync(page, "08-conversation");
        await page.GotoAsync("/admin/conversations");
        await Expect(page.Locator("#conversation-list")).ToContainTextAsync("+5511955550000");
        await ShotAsync(page, "09-conversations");

        // Secretaries and providers.
        await page.GotoAsync("/admin/secretaries");
        await ShotAsync(page, "10-secretaries");
        await page.ClickAsync("#secretaries a:has-text('Edit')");
        await Expect(page.Locator("#provider-costs")).ToContainTextAsync("Local (offline)");
        await Expect(page.Locator("#greeting")).ToHaveValueAsync(DemoTenant.Greeting);
        await ShotAsync(page, "11-secretary");
        await page.GotoAsync("/admin/providers");
        await ShotAsync(page, "12-providers");
        await page.ClickAsync("#providers a:has-text('Edit')");
        await page.ClickAsync("#test-connection");
        await Expect(page.Locator("#test-result")).ToContainTextAsync("espeak-ng");
        await ShotAsync(page, "13-provider");

        await page.GotoAsync("/admin/users");
        await Expect(page.Locator("#users")).ToContainTextAsync("admin");
        await ShotAsync(page, "13b-users");

        // Portuguese.
        await page.GotoAsync("/admin");
        await page.ClickAsync("#lang-pt");
        await Expect(page.Locator("nav.sidebar")).ToContainTextAsync("Destinos de transferência");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Visão geral");
        await ShotAsync(page, "14-overview-pt-BR");
        await page.GotoAsync("/admin/destinations");
        await Expect(page.Locator("h1")).ToHaveTextAsync("Destinos de transferência");
        await ShotAsync(page, "15-destinations-pt-BR");
    }

    [Fact]
    public async Task A_microphone_test_call_carries_the_browsers_microphone_to_the_secretary_and_plays_what_the_caller_hears()
    {
        string baseUrl = _server.ServerAddress.ToString().TrimEnd('/');
        await using IBrowserContext context = await _browser!.NewContextAsync(new BrowserNewContextOptions { BaseURL = baseUrl, Permissions = ["microphone"] });
        context.SetDefaultTimeout(15_000);
        IPage page = await context.NewPageAsync();
        await page.GotoAsync("/admin/login");
        await page.FillAsync("#username", "admin");
        await page.FillAsync("#password", ConsoleServer.AdminPassword);
        await page.ClickAsync("#sign-in");
        await Expect(page).ToHaveURLAsync(new Regex("/admin$"));

        await page.GotoAsync("/admin/test-call");
        await page.ClickAsync("#start-microphone-call");
        await Expect(page).ToHaveURLAsync(new Regex("/admin/test-call/[0-9a-f-]+$"));
        string uuid = page.Url[(page.Url.LastIndexOf('/') + 1)..];
        Switchboard.Sandbox.SandboxChannel channel = _server.Services.GetRequiredService<Switchboard.Sandbox.SandboxPbx>().FindChannel(uuid)
            ?? throw new InvalidOperationException("The test call is not in the sandbox.");
        string recording = Assert.Single(channel.RecordingPaths);

        await page.ClickAsync("#connect-microphone");
        await Expect(page.Locator("#microphone-status")).ToContainTextAsync("connected");

        // The greeting reaches the browser as audio (8 kHz PCM16: 16,000 bytes a second), and two seconds of microphone go up.
        await page.WaitForFunctionAsync("() => window.switchboardConsole.audio.receivedBytes > 16000", null, new() { Timeout = 30_000 });
        await page.WaitForFunctionAsync("() => window.switchboardConsole.audio.sentBytes > 64000", null, new() { Timeout = 30_000 });
        await Expect(page.Locator("#live-transcript")).ToContainTextAsync("Como posso ajudar", new() { Timeout = 30_000 });
        await ShotAsync(page, "16-test-call-microphone");
        await page.ClickAsync("#hang-up");
        await Expect(page.Locator("#call-state")).ToHaveAttributeAsync("data-state", "ended", new() { Timeout = 30_000 });

        // The call's recording (caller left, secretary right) holds the fake microphone's beeps on the caller's side: they
        // went through the sandbox call, which is what streams the caller to the secretary.
        await Support.Wait.UntilAsync(() => File.Exists(recording) && new FileInfo(recording).Length > 44, TimeSpan.FromSeconds(30));
        (short callerPeak, short secretaryPeak) = await PeaksAsync(recording);
        Assert.True(callerPeak > 1000, $"caller side peak {callerPeak}");
        Assert.True(secretaryPeak > 1000, $"secretary side peak {secretaryPeak}");
    }

    /// <summary>The largest sample of each channel of a stereo PCM16 WAV.</summary>
    private static async Task<(short Left, short Right)> PeaksAsync(string path)
    {
        byte[] wav = await File.ReadAllBytesAsync(path);
        int at = 12;
        while (at + 8 <= wav.Length && System.Text.Encoding.ASCII.GetString(wav, at, 4) != "data")
        {
            at += 8 + BitConverter.ToInt32(wav, at + 4);
        }

        Assert.Equal(2, BitConverter.ToInt16(wav, 22));
        short left = 0, right = 0;
        for (int i = at + 8; i + 3 < wav.Length; i += 4)
        {
            left = Math.Max(left, Math.Abs(BitConverter.ToInt16(wav, i) is var l && l == short.MinValue ? short.MaxValue : l));
            right = Math.Max(right, Math.Abs(BitConverter.ToInt16(wav, i + 2) is var r && r == short.MinValue ? short.MaxValue : r));
        }

        return (left, right);
    }

    private async Task OpenAllHoursAsync()
    {
        await using AsyncServiceScope scope = _server.Services.CreateAsyncScope();
        scope.ServiceProvider.GetRequiredService<TenantContext>().Set(DemoTenant.Id);
        SwitchboardDbContext db = scope.ServiceProvider.GetRequiredService<SwitchboardDbContext>();
        foreach (Switchboard.Server.Transfers.TransferDestination destination in await db.TransferDestinations.ToListAsync())
        {
            destination.WorkingHours = null;
        }

        await db.SaveChangesAsync();
    }

    /// <summary>Saves a full-page screenshot to <c>TestResults/screenshots</c> at the repository root.</summary>
    private static async Task ShotAsync(IPage page, string name)
    {
        string directory = Path.Combine(RepositoryRoot(), "TestResults", "screenshots");
        Directory.CreateDirectory(directory);
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(directory, name + ".png"), FullPage = true });
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Switchboard.slnx")))
            {
                return dir.FullName;
            }
        }

        return Directory.GetCurrentDirectory();
    }
}
