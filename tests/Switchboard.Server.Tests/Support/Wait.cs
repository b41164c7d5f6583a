namespace Switchboard.Server.Tests.Support;

/// <summary>Bounded waits on a condition (never a fixed sleep standing in for synchronisation).</summary>
public static class Wait
{
    public static async Task UntilAsync(Func<bool> condition, TimeSpan? timeout = null)
    {
        using var expired = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (!condition())
        {
            if (expired.IsCancellationRequested)
            {
                throw new TimeoutException("The condition did not become true in time.");
            }

            await Task.Delay(5, CancellationToken.None);
        }
    }

    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        using var expired = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (expired.IsCancellationRequested)
            {
                throw new TimeoutException("The condition did not become true in time.");
            }

            await Task.Delay(20, CancellationToken.None);
        }
    }
}
