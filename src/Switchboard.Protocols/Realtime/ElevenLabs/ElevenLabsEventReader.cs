using System.Buffers;
using System.Threading.Channels;

namespace Switchboard.Protocols.Realtime.ElevenLabs;

/// <summary>
/// The agent's events as the call reads them. Agent audio carries the ElevenLabs <c>event_id</c> it came
/// with; audio still waiting in the queue when an <c>interruption</c> arrives (event id ≤ the interruption's,
/// ai-providers.md §2.4) is skipped here and its buffer returned to the pool, so the caller never hears it.
/// </summary>
internal sealed class ElevenLabsEventReader : ChannelReader<VoiceAgentEvent>
{
    private readonly ChannelReader<QueuedEvent> _inner;
    private long _dropAudioUpTo = -1;
    private long _droppedChunks;

    public ElevenLabsEventReader(ChannelReader<QueuedEvent> inner) => _inner = inner;

    public override Task Completion => _inner.Completion;

    /// <summary>Queued audio chunks skipped because an interruption made them stale.</summary>
    public long DroppedChunks => Interlocked.Read(ref _droppedChunks);

    /// <summary>Skips every queued audio chunk whose event id is at most <paramref name="eventId"/>.</summary>
    public void DropAudioUpTo(long eventId)
    {
        long current = Interlocked.Read(ref _dropAudioUpTo);
        while (eventId > current)
        {
            long seen = Interlocked.CompareExchange(ref _dropAudioUpTo, eventId, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    public override bool TryRead(out VoiceAgentEvent item)
    {
        while (_inner.TryRead(out QueuedEvent queued))
        {
            if (queued.Event is AgentAudio audio && queued.AudioEventId <= Interlocked.Read(ref _dropAudioUpTo))
            {
                ArrayPool<byte>.Shared.Return(audio.Pcm);
                Interlocked.Increment(ref _droppedChunks);
                continue;
            }

            item = queued.Event;
            return true;
        }

        item = null!;
        return false;
    }

    public override ValueTask<bool> WaitToReadAsync(CancellationToken cancellationToken = default) =>
        _inner.WaitToReadAsync(cancellationToken);
}

/// <summary>An event in the queue; <see cref="AudioEventId"/> is the ElevenLabs event id of agent audio, else -1.</summary>
internal readonly record struct QueuedEvent(VoiceAgentEvent Event, long AudioEventId);
