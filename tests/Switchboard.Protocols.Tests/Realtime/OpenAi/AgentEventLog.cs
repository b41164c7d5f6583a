using System.Buffers;
using Switchboard.Protocols.Realtime;

namespace Switchboard.Protocols.Tests.Realtime.OpenAi;

/// <summary>
/// Drains an agent's event channel into a list (audio copied out and its pooled buffer returned), so tests can
/// wait for events by condition. The drain ends when the channel completes; <see cref="Completion"/> is that task.
/// </summary>
internal sealed class AgentEventLog
{
    private readonly Lock _gate = new();
    private readonly List<VoiceAgentEvent> _events = [];
    private readonly List<byte> _audio = [];
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private bool _done;

    public AgentEventLog(IVoiceAgent agent) => Completion = DrainAsync(agent);

    public Task Completion { get; }

    public IReadOnlyList<VoiceAgentEvent> Events { get { lock (_gate) { return [.. _events]; } } }

    /// <summary>All agent audio so far, PCM16 bytes in arrival order.</summary>
    public byte[] Audio { get { lock (_gate) { return [.. _audio]; } } }

    public int AudioBytes { get { lock (_gate) { return _audio.Count; } } }

    public async Task<T> WaitForAsync<T>(Func<T, bool>? match = null, TimeSpan? timeout = null)
        where T : VoiceAgentEvent
    {
        T? found = null;
        await WaitUntilAsync(() => (found = _events.OfType<T>().FirstOrDefault(e => match is null || match(e))) is not null, timeout, typeof(T).Name);
        return found!;
    }

    public async Task WaitUntilAsync(Func<bool> condition, TimeSpan? timeout = null, string? what = null)
    {
        using var cts = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (condition())
                {
                    return;
                }

                if (_done)
                {
                    throw new InvalidOperationException($"The agent's events completed without {what ?? "the expected events"}: " +
                        string.Join(", ", _events.Select(e => e.ToString())));
                }

                changed = _changed.Task;
            }

            try
            {
                await changed.WaitAsync(cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The agent did not report {what ?? "the expected events"} in time; it reported: " +
                    string.Join(", ", Events.Select(e => e.GetType().Name)));
            }
        }
    }

    private async Task DrainAsync(IVoiceAgent agent)
    {
        await foreach (VoiceAgentEvent e in agent.Events.ReadAllAsync())
        {
            TaskCompletionSource changed;
            lock (_gate)
            {
                _events.Add(e);
                if (e is AgentAudio audio)
                {
                    _audio.AddRange(audio.Pcm.AsSpan(0, audio.Length));
                    ArrayPool<byte>.Shared.Return(audio.Pcm);
                }

                changed = _changed;
                _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            changed.TrySetResult();
        }

        lock (_gate)
        {
            _done = true;
            _changed.TrySetResult();
        }
    }
}
