using System.Buffers;

namespace Switchboard.Protocols.Tests.FreeSwitch.EventSocket.Support;

/// <summary>Builds multi-segment sequences, as a PipeReader hands them over when data arrives in several reads.</summary>
internal static class Segments
{
    /// <summary>One segment per chunk, chunk boundaries at <paramref name="cuts"/> (ascending offsets).</summary>
    public static ReadOnlySequence<byte> Create(byte[] data, IReadOnlyList<int> cuts)
    {
        var chunks = new List<ReadOnlyMemory<byte>>();
        int start = 0;
        foreach (int cut in cuts)
        {
            chunks.Add(data.AsMemory(start, cut - start));
            start = cut;
        }

        chunks.Add(data.AsMemory(start));
        return Create(chunks);
    }

    public static ReadOnlySequence<byte> Create(IReadOnlyList<ReadOnlyMemory<byte>> chunks)
    {
        if (chunks.Count == 0)
        {
            return ReadOnlySequence<byte>.Empty;
        }

        var first = new Segment(chunks[0], 0);
        Segment last = first;
        for (int i = 1; i < chunks.Count; i++)
        {
            last = last.Append(chunks[i]);
        }

        return new ReadOnlySequence<byte>(first, 0, last, last.Memory.Length);
    }

    /// <summary>Random cut points (chunks of 1..maxChunk bytes).</summary>
    public static List<int> RandomCuts(int length, Random random, int maxChunk)
    {
        var cuts = new List<int>();
        int position = 0;
        while (true)
        {
            position += random.Next(1, maxChunk + 1);
            if (position >= length)
            {
                return cuts;
            }

            cuts.Add(position);
        }
    }

    private sealed class Segment : ReadOnlySequenceSegment<byte>
    {
        public Segment(ReadOnlyMemory<byte> memory, long runningIndex)
        {
            Memory = memory;
            RunningIndex = runningIndex;
        }

        public Segment Append(ReadOnlyMemory<byte> memory)
        {
            var next = new Segment(memory, RunningIndex + Memory.Length);
            Next = next;
            return next;
        }
    }
}
