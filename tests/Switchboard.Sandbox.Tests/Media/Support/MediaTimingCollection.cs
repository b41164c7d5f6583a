namespace Switchboard.Sandbox.Tests.Media.Support;

/// <summary>Serialises the real-time and CPU-heavy media tests with respect to each other.</summary>
[CollectionDefinition(Name)]
public sealed class MediaTimingCollection
{
    public const string Name = "Media timing";
}
