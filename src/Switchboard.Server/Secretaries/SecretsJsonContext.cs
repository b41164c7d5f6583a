using System.Text.Json.Serialization;

namespace Switchboard.Server.Secretaries;

[JsonSerializable(typeof(Dictionary<string, string>))]
internal sealed partial class SecretsJsonContext : JsonSerializerContext;
