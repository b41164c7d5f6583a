using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Switchboard.Sandbox;
using Switchboard.Server.Tenancy;

namespace Switchboard.LoadTest;

/// <summary>
/// The PBX sandbox in a process of its own (<c>Switchboard.LoadTest.dll --pbx-host …</c>), standing where FreeSWITCH
/// stands in production: the server runs in <c>Telephony:Mode=FreeSwitch</c> and reaches it only over its Event Socket
/// (TCP) and the mod_audio_stream WebSockets it opens, so the server process's CPU and memory are the server's alone.
/// A tiny HTTP API places and hangs up calls (the same shapes as the server's <c>/api/sandbox/calls</c>).
/// </summary>
public static class PbxHost
{
    public const string Flag = "--pbx-host";

    /// <summary><c>--pbx-host --data &lt;dir&gt; --esl-port &lt;port&gt; --urls &lt;http://127.0.0.1:port&gt;</c></summary>
    public static async Task<int> RunAsync(string[] args)
    {
        string data = Argument(args, "--data");
        int eslPort = int.Parse(Argument(args, "--esl-port"), CultureInfo.InvariantCulture);
        string urls = Argument(args, "--urls");

        WebApplicationBuilder builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.WebHost.UseUrls(urls);
        builder.Services.AddSingleton(new SandboxPbx(new SandboxOptions
        {
            EslPort = eslPort,
            StreamLatencyProbe = true, // each caller frame carries its send time: the caller → provider hop is measured exactly
            TempDirectory = Path.Combine(data, "pbx", "tmp"),
            RecordingsDirectory = Path.Combine(data, "pbx", "recordings"),
        }));
        await using WebApplication app = builder.Build();
        SandboxPbx pbx = app.Services.GetRequiredService<SandboxPbx>();
        await pbx.StartAsync();
        pbx.AddDomain(DemoTenant.Id, DemoTenant.DomainName);

        app.MapGet("/health", () => Results.Ok());
        app.MapPost("/calls", async (PlaceRequest request, CancellationToken cancellationToken) =>
        {
            SandboxChannel channel = await pbx.PlaceInboundCallAsync(
                new SandboxCallRequest
                {
                    DomainName = DemoTenant.DomainName,
                    Destination = request.Destination ?? DemoTenant.SecretaryExtension,
                    CallerIdNumber = request.CallerIdNumber ?? "+5511999990000",
                    CallerIdName = "Load Caller",
                    Audio = request.WavFile is null ? CallerAudio.Silence : CallerAudio.WavFile(request.WavFile),
                },
                cancellationToken);
            return Results.Ok(new { uuid = channel.Uuid });
        });
        app.MapDelete("/calls/{uuid}", async (string uuid) =>
        {
            if (pbx.FindChannel(uuid) is not { } channel)
            {
                return Results.NotFound();
            }

            await channel.HangupAsync();
            return Results.NoContent();
        });

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"PBX sandbox host: Event Socket listens on {pbx.EslEndPoint}"));
        await app.RunAsync();
        await pbx.DisposeAsync();
        return 0;
    }

    private static string Argument(string[] args, string name)
    {
        int index = Array.IndexOf(args, name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : throw new ArgumentException($"{Flag} needs {name}");
    }

    public sealed record PlaceRequest(string? Destination, string? CallerIdNumber, string? WavFile);
}
