using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Switchboard.Server.Data;

namespace Switchboard.Server.Calls;

public static class CallsServiceCollectionExtensions
{
    public static WebApplicationBuilder AddCalls(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<CallsOptions>().BindConfiguration(CallsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<CallRegistry>();
        builder.Services.TryAddSingleton<Transfers.Announcements.AnnouncementSessions>();
        builder.Services.AddSingleton<VoiceAgentFactory>();
        builder.Services.AddSingleton<CallToolDispatcher>();
        builder.Services.AddSingleton<SecretaryConfigCache>();
        builder.Services.AddSingleton<SpeechVoices>();
        builder.Services.AddSingleton(services => new PhrasePlayer(
            services.GetRequiredService<SpeechVoices>().For,
            services.GetRequiredService<ILogger<PhrasePlayer>>()));
        builder.Services.AddSingleton(services =>
        {
            CallsOptions options = services.GetRequiredService<IOptions<CallsOptions>>().Value;
            byte[] key = LoadOrCreateTokenKey(options, services.GetRequiredService<IOptions<DataOptions>>().Value.DataRoot);
            return new StreamTokens(key, services.GetRequiredService<TimeProvider>());
        });
        return builder;
    }

    public static WebApplication MapCalls(this WebApplication app)
    {
        app.Map("/stream/{domainUuid:guid}/{callUuid}", MediaStreamEndpoint.HandleAsync);
        return app;
    }

    private static byte[] LoadOrCreateTokenKey(CallsOptions options, string dataRoot)
    {
        if (!string.IsNullOrWhiteSpace(options.StreamTokenKey))
        {
            byte[] configured = Convert.FromBase64String(options.StreamTokenKey);
            return configured.Length >= 32
                ? configured
                : throw new InvalidOperationException("Calls:StreamTokenKey must be at least 32 bytes (base64).");
        }

        Directory.CreateDirectory(dataRoot);
        string path = Path.Combine(dataRoot, "stream-token.key");
        if (File.Exists(path))
        {
            return Convert.FromBase64String(File.ReadAllText(path).Trim());
        }

        byte[] key = RandomNumberGenerator.GetBytes(32);
        File.WriteAllText(path, Convert.ToBase64String(key));
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        }

        return key;
    }
}
