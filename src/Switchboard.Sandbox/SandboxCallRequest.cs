namespace Switchboard.Sandbox;

/// <summary>An inbound call to place into the sandbox, as if a phone called a domain's number.</summary>
public sealed class SandboxCallRequest
{
    /// <summary>The FusionPBX domain (dialplan context) the call arrives in.</summary>
    public required string DomainName { get; init; }

    /// <summary>The dialled number, e.g. a secretary extension (8000) or a simulated extension.</summary>
    public required string Destination { get; init; }

    public string CallerIdNumber { get; init; } = "5551000";

    public string CallerIdName { get; init; } = "Sandbox Caller";

    /// <summary>What the caller says.</summary>
    public CallerAudio Audio { get; init; } = CallerAudio.Silence;

    /// <summary>Channel UUID to use; a new one when null.</summary>
    public string? Uuid { get; init; }

    /// <summary>Extra channel variables set before routing.</summary>
    public IReadOnlyDictionary<string, string>? Variables { get; init; }
}
