using System.Text.Json.Nodes;

namespace AciTrace.Lab.Cli;

/// <summary><c>faults</c>: reads the running lab's faults, applies the changes and PUTs them to /aci-lab/faults.</summary>
internal static class LabFaultsCommand
{
    private const string Endpoint = "aci-lab/faults";

    public static async Task<int> RunAsync(LabCliArguments args, TextWriter stdout, TextWriter stderr)
    {
        string dir = args.StateDirectory;
        if (LabStateFile.TryReadRunning(dir) is not { } state)
        {
            await stderr.WriteLineAsync($"aci-lab: no lab running in {dir}").ConfigureAwait(false);
            return 3;
        }
        LabFaultChanges c = args.Faults;
        var known = state.Nodes.Select(n => n.Name).ToHashSet(StringComparer.Ordinal);
        string[] unknown = [.. c.OvsNotReady.Concat(c.OvsReady).Concat(c.NodeRemoved).Concat(c.NodeRestored)
            .Concat(c.ExecFaultNode is null ? [] : [c.ExecFaultNode]).Where(n => !known.Contains(n)).Distinct()];
        if (unknown.Length > 0)
        {
            await stderr.WriteLineAsync($"aci-lab: unknown node(s) {string.Join(", ", unknown)}; the lab has {string.Join(", ", known.Order(StringComparer.Ordinal))}").ConfigureAwait(false);
            return 2;
        }
        try
        {
            using LabApiClient client = LabApiClient.FromKubeconfig(state.Kubeconfig, TimeSpan.FromSeconds(10));
            JsonObject faults = await client.GetAsync(Endpoint).ConfigureAwait(false);
            if (!c.IsEmpty) faults = await client.PutAsync(Endpoint, Apply(faults, c)).ConfigureAwait(false);
            await stdout.WriteAsync(LabReport.Faults(faults)).ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidDataException or FormatException or System.Security.Cryptography.CryptographicException or YamlDotNet.Core.YamlException)
        {
            await stderr.WriteLineAsync($"aci-lab: the lab API did not accept the faults: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    /// <summary>The faults document after the changes (same shape as <see cref="Api.LabFaults.ToJson"/>).</summary>
    internal static JsonObject Apply(JsonObject current, LabFaultChanges c)
    {
        var f = c.Reset ? new Api.LabFaults().ToJson() : (JsonObject)current.DeepClone();
        if (c.ExecLatencyMs is long latency) f["execLatencyMs"] = latency;
        if (c.ExecExitCode is int exit) f["execExitCode"] = exit;
        else if (c.ClearExecExitCode) f["execExitCode"] = null;
        if (c.ExecErrorStatus is int status) f["execErrorStatus"] = status;
        else if (c.ClearExecErrorStatus) f["execErrorStatus"] = null;
        if (c.ExecHang is bool hang) f["execHang"] = hang;
        if (c.ExecFaultNode is string node) f["execFaultNode"] = node;
        else if (c.ClearExecFaultNode) f["execFaultNode"] = null;
        f["ovsNotReadyNodes"] = NodeList(f["ovsNotReadyNodes"], c.OvsNotReady, c.OvsReady);
        f["removedNodes"] = NodeList(f["removedNodes"], c.NodeRemoved, c.NodeRestored);
        return f;
    }

    private static JsonArray NodeList(JsonNode? current, IReadOnlyList<string> add, IReadOnlyList<string> remove)
    {
        var set = new SortedSet<string>((current as JsonArray ?? []).Select(n => n?.ToString() ?? "").Where(n => n.Length > 0), StringComparer.Ordinal);
        set.UnionWith(add);
        set.ExceptWith(remove);
        return new JsonArray([.. set.Select(n => (JsonNode)JsonValue.Create(n))]);
    }
}
