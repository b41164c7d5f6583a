namespace Switchboard.Server.Transfers.Destinations;

/// <summary>What <see cref="DestinationResolver"/> made of a caller's words.</summary>
public abstract record DestinationResolution
{
    private DestinationResolution()
    {
    }

    /// <summary>One destination matched and takes calls now.</summary>
    public sealed record Match(TransferDestination Destination) : DestinationResolution;

    /// <summary>The caller wants anyone ("alguém", "atendente", "anyone"): the tenant's default destination, open now.</summary>
    public sealed record Default(TransferDestination Destination) : DestinationResolution;

    /// <summary>Several destinations match equally well (same score and priority): ask the caller which one.</summary>
    public sealed record Ambiguous(IReadOnlyList<TransferDestination> Candidates) : DestinationResolution;

    /// <summary>
    /// The destination the caller wants (or the default) is outside its working hours; <paramref name="NextOpening"/>
    /// is when it opens next in the tenant's time zone (null: its hours name no day).
    /// </summary>
    public sealed record OutsideHours(TransferDestination Destination, DateTimeOffset? NextOpening) : DestinationResolution;

    /// <summary>Nothing matched (and the caller did not ask for just anyone, or there is no default).</summary>
    public sealed record NotFound : DestinationResolution
    {
        public static NotFound Instance { get; } = new();
    }
}
