namespace Switchboard.Server.Recordings;

/// <summary>Exponential backoff with jitter for the persisted outboxes (recording uploads, helpdesk webhooks).</summary>
public static class RetryBackoff
{
    /// <summary>
    /// Delay before try <paramref name="attempts"/> + 1: <paramref name="first"/> doubled per failed try, capped at
    /// <paramref name="max"/>, then scaled by a random factor in [0.5, 1) so nodes retrying together spread out.
    /// </summary>
    public static TimeSpan Next(int attempts, TimeSpan first, TimeSpan max, Random? random = null)
    {
        double exponent = Math.Clamp(attempts - 1, 0, 30);
        double ticks = Math.Min(max.Ticks, first.Ticks * Math.Pow(2, exponent));
        double jitter = 0.5 + ((random ?? Random.Shared).NextDouble() * 0.5);
        return TimeSpan.FromTicks((long)(ticks * jitter));
    }
}
