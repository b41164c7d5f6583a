namespace Switchboard.Server.Admin;

public sealed partial class ConsoleText
{
    private static readonly Dictionary<string, string> PtBr = new(StringComparer.Ordinal)
    {
        ["Overview"] = "Visão geral",
    };
}
