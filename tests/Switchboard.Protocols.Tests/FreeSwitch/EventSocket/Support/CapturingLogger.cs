using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Switchboard.Protocols.Tests.FreeSwitch.EventSocket.Support;

/// <summary>Collects log entries so a test can wait for a specific one (an observable moment in the client's loops).</summary>
internal sealed class CapturingLogger<T> : ILogger<T>
{
    private readonly ConcurrentDictionary<int, TaskCompletionSource<string>> _waiters = new();

    public ConcurrentQueue<(EventId Id, LogLevel Level, string Message)> Entries { get; } = new();

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        string message = formatter(state, exception);
        Entries.Enqueue((eventId, logLevel, message));
        Waiter(eventId.Id).TrySetResult(message);
    }

    /// <summary>Completes with the message of the first entry with this event id (past or future).</summary>
    public Task<string> WaitForAsync(int eventId) => Waiter(eventId).Task.WaitAsync(FakeEventSocketServer.Timeout);

    private TaskCompletionSource<string> Waiter(int eventId) =>
        _waiters.GetOrAdd(eventId, _ => new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously));
}
