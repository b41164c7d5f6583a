using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Threading.Channels;

namespace Switchboard.Protocols.Realtime.Gemini;

/// <summary>
/// The agent's event stream as the call sees it. Agent audio is stamped with the playback epoch it was
/// produced in; when the epoch moves on (barge-in), audio still waiting in the queue is dropped at read time
/// and its pooled buffer returned, so the caller never hears the rest of an interrupted answer.
/// </summary>
internal sealed class AgentEventReader : ChannelReader<VoiceAgentEvent>
{
    private readonly Channel<Entry> _channel;
    private long _epoch;
    private long _droppedChunks;

    public AgentEventReader(Channel<Entry> channel) => _channel = channel;

    /// <summary>Audio chunks discarded because they belonged to an interrupted answer.</summary>
    public long DroppedChunks => Interlocked.Read(ref _droppedChunks);

    public long Epoch => Interlocked.Read(ref _epoch);

    public override Task Completion => _channel.Reader.Completion;

    /// <summary>Everything queued before this call that is agent audio will not be delivered.</summary>
    public void DropQueuedAudio() => Interlocked.Increment(ref _epoch);

    public override bool TryRead([MaybeNullWhen(false)] out VoiceAgentEvent item)
    {
        while (_channel.Reader.TryRead(out Entry entry))
        {
            if (entry.Event is AgentAudio audio && entry.Epoch < Epoch)
            {
                ArrayPool<byte>.Shared.Return(audio.Pcm);
                Interlocked.Increment(ref _droppedChunks);
                continue;
            }

            item = entry.Event;
            return true;
        }

        item = null;
        return false;
    }

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
        _channel.Reader.WaitToReadAsync(cancellationToken);

    internal readonly record struct Entry(VoiceAgentEvent Event, long Epoch);
}
