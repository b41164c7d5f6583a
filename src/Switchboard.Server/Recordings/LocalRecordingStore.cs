namespace Switchboard.Server.Recordings;

/// <summary>Recordings copied into a folder of this node (<c>&lt;DataRoot&gt;/recordings/voice/...</c> by default).</summary>
public sealed class LocalRecordingStore : IRecordingStore
{
    private readonly string _root;

    public LocalRecordingStore(string root)
    {
        _root = Path.GetFullPath(root);
    }

    public async Task StoreAsync(string sourcePath, RecordingObject recording, CancellationToken cancellationToken)
    {
        string target = PathOf(recording.Key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        // Copy to a temporary name, then rename: a reader never sees half a recording.
        string partial = target + ".partial";
        await using (var source = new FileStream(sourcePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 81920, useAsync: true))
        await using (var destination = new FileStream(partial, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true))
        {
            await source.CopyToAsync(destination, cancellationToken);
        }

        File.Move(partial, target, overwrite: true);
    }

    public Task<RecordingDownload> GetDownloadAsync(string key, string contentType, CancellationToken cancellationToken) =>
        Task.FromResult(new RecordingDownload(null, PathOf(key), contentType));

    /// <summary>The file of <paramref name="key"/>; keys are ours, but never leave the root even so.</summary>
    internal string PathOf(string key)
    {
        string path = Path.GetFullPath(Path.Combine(_root, key));
        return path.StartsWith(_root + Path.DirectorySeparatorChar, StringComparison.Ordinal)
            ? path
            : throw new ArgumentException($"Recording key {key} leaves the recordings folder.", nameof(key));
    }
}
