using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Switchboard.Sandbox;

/// <summary>Owns the sandbox's background loops (channel sessions, bgapi jobs, far-end scripts) so disposal can await them.</summary>
internal sealed class BackgroundWork
{
    private readonly ConcurrentDictionary<int, Task> _tasks = new();
    private readonly ILogger _logger;
    private int _next;

    public BackgroundWork(ILogger logger)
    {
        _logger = logger;
    }

    public int Count => _tasks.Count;

    /// <summary>Starts <paramref name="work"/> on the thread pool and keeps it until it ends.</summary>
    public void Run(Func<Task> work)
    {
        var id = Interlocked.Increment(ref _next);
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _tasks[id] = RunTrackedAsync(id, work, started.Task);
        started.SetResult();
    }

    public async Task WaitAllAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (!_tasks.IsEmpty && DateTime.UtcNow < deadline)
        {
            var pending = _tasks.Values.ToArray();
            await Task.WhenAny(Task.WhenAll(pending), Task.Delay(TimeSpan.FromMilliseconds(200)));
        }
    }

    private async Task RunTrackedAsync(int id, Func<Task> work, Task started)
    {
        await started;
        await Task.Yield();
        try
        {
            await work();
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex)
        {
            Log.BackgroundWorkFailed(_logger, ex);
        }
        finally
        {
            _tasks.TryRemove(id, out _);
        }
    }
}
