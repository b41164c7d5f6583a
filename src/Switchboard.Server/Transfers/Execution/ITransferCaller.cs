namespace Switchboard.Server.Transfers.Execution;

/// <summary>The caller's side of a transfer: the live call (its FreeSWITCH channel) and the voice session that talks to
/// it. The voice session implements it; <see cref="TransferExecutor"/> only needs these few members.</summary>
public interface ITransferCaller
{
    /// <summary>FreeSWITCH uuid of the caller's channel (A-leg), parked with the secretary.</summary>
    string CallUuid { get; }

    /// <summary>The tenant (FusionPBX domain uuid) the call belongs to.</summary>
    Guid TenantId { get; }

    /// <summary>The caller's number, presented to the human as caller id.</summary>
    string CallerNumber { get; }

    string? CallerName { get; }

    /// <summary>The secretary stops listening and talking: the caller is on hold (or in the transfer conference).</summary>
    Task PauseAgentAsync(CancellationToken ct);

    /// <summary>The transfer did not connect: the caller is back in park and the secretary takes over again.</summary>
    Task ResumeAgentAsync(CancellationToken ct);
}
