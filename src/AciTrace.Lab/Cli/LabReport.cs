using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using AciTrace.Lab.Spec;

namespace AciTrace.Lab.Cli;

/// <summary>The plain-text output of the lab commands.</summary>
internal static class LabReport
{
    /// <summary>
    /// Output of <c>up</c>. The kubeconfig path is the whole first line: scripts (build.ps1 -Task Demo) read it.
    /// </summary>
    public static string Up(LabStateFile state, ResolvedCluster cluster, TimeSpan elapsed)
    {
        var o = new StringBuilder();
        string k = Quote(state.Kubeconfig);
        o.AppendLine(state.Kubeconfig);
        o.AppendLine(Inv($"Lab ready in {elapsed.TotalSeconds:0.0} s (pid {state.Pid})."));
        o.AppendLine($"API server:      {state.ApiAddress}");
        o.AppendLine($"Kubeconfig:      {state.Kubeconfig}");
        if (state.ViewerKubeconfig is not null) o.AppendLine($"Viewer (RBAC):   {state.ViewerKubeconfig}  (read-only user: get/list, no pods/exec; with --rbac-role exactly that role's rules)");
        o.AppendLine($"State directory: {state.StateDirectory}  (log: {state.LogPath})");
        o.AppendLine($"Spec:            {state.SpecPath}");
        o.AppendLine("Nodes:");
        AppendTable(o, ["NODE", "OVS POD", "OVS-VSWITCHD", "OVSDB-SERVER", "OVS RUN DIR"],
            state.Nodes.Select(n => new[] { n.Name, n.OvsPod, Inv($"{n.VswitchdPid}"), Inv($"{n.OvsdbServerPid}"), n.OvsRunDirectory }));
        o.AppendLine("Try:");
        o.AppendLine($"  kubectl --kubeconfig {k} get pods -A -o wide");
        LabExamplePacket? packet = LabExamplePacket.Pick(cluster);
        if (packet is not null)
        {
            o.AppendLine($"  kubectl --kubeconfig {k} exec -n aci-containers-system {packet.OvsPod} -- ovs-appctl ofproto/trace br-access '{packet.AccessFlow}'");
            o.AppendLine($"  pwsh -NoProfile -Command \"Import-Module ./out/AciTrace; Get-AciPodTrace -Kubeconfig {k} {packet.CmdletArguments}\"");
        }
        string dirArg = Quote(state.StateDirectory);
        o.AppendLine($"  dotnet run --project src/AciTrace.Lab -- faults --state-dir {dirArg} --ovs-not-ready {state.Nodes[0].Name}");
        o.AppendLine($"Stop it with:    dotnet run --project src/AciTrace.Lab -- down --state-dir {dirArg}");
        return o.ToString();
    }

    /// <summary>The faults as "name: value" lines.</summary>
    public static string Faults(JsonObject f)
    {
        static string Or(JsonNode? n, string none) => n is null ? none : n.ToString();
        static string List(JsonNode? n) => n is JsonArray a && a.Count > 0 ? string.Join(", ", a.Select(x => x?.ToString())) : "none";
        var o = new StringBuilder();
        o.AppendLine($"exec latency ms:   {Or(f["execLatencyMs"], "0")}");
        o.AppendLine($"exec exit code:    {Or(f["execExitCode"], "none")}");
        o.AppendLine($"exec error status: {Or(f["execErrorStatus"], "none")}");
        o.AppendLine($"exec hang:         {Or(f["execHang"], "false")}");
        o.AppendLine($"exec fault node:   {Or(f["execFaultNode"], "all")}");
        o.AppendLine($"ovs not ready:     {List(f["ovsNotReadyNodes"])}");
        o.AppendLine($"removed nodes:     {List(f["removedNodes"])}");
        return o.ToString();
    }

    /// <summary>Left-aligned columns separated by two spaces, each row indented by two.</summary>
    public static void AppendTable(StringBuilder o, IReadOnlyList<string> header, IEnumerable<IReadOnlyList<string>> rows)
    {
        List<IReadOnlyList<string>> all = [header, .. rows];
        int[] widths = [.. Enumerable.Range(0, header.Count).Select(c => all.Max(r => r[c].Length))];
        foreach (IReadOnlyList<string> row in all)
            o.AppendLine(("  " + string.Join("  ", row.Select((cell, c) => cell.PadRight(widths[c])))).TrimEnd());
    }

    /// <summary>Quotes a path for a POSIX shell when it needs it.</summary>
    public static string Quote(string s) =>
        s.Length > 0 && s.All(c => char.IsAsciiLetterOrDigit(c) || c is '/' or '.' or '_' or '-' or ':' or '+' or '=' or ',' or '@')
            ? s
            : "'" + s.Replace("'", "'\\''", StringComparison.Ordinal) + "'";

    private static string Inv(FormattableString s) => s.ToString(CultureInfo.InvariantCulture);
}
