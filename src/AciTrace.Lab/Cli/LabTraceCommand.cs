using System.Globalization;
using System.Text;
using AciTrace.Engine;

namespace AciTrace.Lab.Cli;

/// <summary>
/// <c>trace</c>: runs the live tracer (the same engine and objects the cmdlets use) against the running lab, or any
/// cluster with <c>--kubeconfig</c>, and prints the bridge passes and summaries as text. For trying the engine where
/// pwsh is not installed.
/// </summary>
internal static class LabTraceCommand
{
    public const string Usage = """
        trace [--state-dir D | --kubeconfig K [--context C]] --from NS/POD
              (--to NS/POD | --service NS/SVC | --external IP)
              [--protocol tcp|udp|icmp|ip|arp] [--port N] [--source-port N] [--reply] [--hops] [--verbose] [--ipv6]
        """;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        string stateDir = ".lab";
        string? kubeconfig = null, context = null, from = null, to = null, service = null, external = null;
        var protocol = TraceProtocol.Tcp;
        int? port = null, sourcePort = null;
        bool reply = false, hops = false, verbose = false, ipv6 = false;
        try
        {
            for (var i = 0; i < args.Count; i++)
            {
                string Next() => i + 1 < args.Count ? args[++i] : throw new LabUsageException($"{args[i]} needs a value");
                int NextInt() => int.TryParse(Next(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) ? n : throw new LabUsageException($"{args[i - 1]} needs a number");
                switch (args[i])
                {
                    case "--state-dir": stateDir = Next(); break;
                    case "--kubeconfig": kubeconfig = Next(); break;
                    case "--context": context = Next(); break;
                    case "--from": from = Next(); break;
                    case "--to": to = Next(); break;
                    case "--service": service = Next(); break;
                    case "--external": external = Next(); break;
                    case "--protocol":
                        protocol = Enum.TryParse<TraceProtocol>(Next(), ignoreCase: true, out var p) ? p : throw new LabUsageException("--protocol is tcp, udp, icmp, ip or arp");
                        break;
                    case "--port": port = NextInt(); break;
                    case "--source-port": sourcePort = NextInt(); break;
                    case "--reply": reply = true; break;
                    case "--hops": hops = true; break;
                    case "--verbose": verbose = true; break;
                    case "--ipv6": ipv6 = true; break;
                    default: throw new LabUsageException($"unknown option '{args[i]}'");
                }
            }
            if (from is null) throw new LabUsageException("--from NS/POD is required");
            if (new[] { to, service, external }.Count(x => x is not null) != 1)
                throw new LabUsageException("give exactly one of --to, --service, --external");
        }
        catch (LabUsageException e)
        {
            await stderr.WriteLineAsync($"aci-lab: {e.Message}\nusage: {Usage}").ConfigureAwait(false);
            return 2;
        }

        if (kubeconfig is null)
        {
            var lab = LabStateFile.TryRead(Path.GetFullPath(stateDir));
            if (lab is null)
            {
                await stderr.WriteLineAsync($"aci-lab: no lab running in {Path.GetFullPath(stateDir)} (start one with 'up', or pass --kubeconfig)").ConfigureAwait(false);
                return 3;
            }
            kubeconfig = lab.Kubeconfig;
        }

        var (srcNs, srcName) = Split(from);
        var request = new TraceRequest
        {
            Kind = service is not null ? TraceKind.Service : external is not null ? TraceKind.External : TraceKind.Pod,
            SourceNamespace = srcNs,
            SourceName = srcName,
            Protocol = protocol,
            DestinationPort = port,
            SourcePort = sourcePort,
            IncludeReply = reply,
            PreferIPv6 = ipv6,
            DestinationAddress = external,
        };
        if ((to ?? service) is { } dst)
        {
            var (ns, name) = Split(dst);
            request = request with { DestinationNamespace = ns, DestinationName = name };
        }

        try
        {
            await using var session = TraceSessionFactory.Create(new ClusterOptions { Kubeconfig = kubeconfig, Context = context });
            var summaries = new List<AciTraceSummary>();
            var header = false;
            await foreach (var e in session.RunAsync(request, CancellationToken.None).ConfigureAwait(false))
            {
                switch (e)
                {
                    case PassEvent { Pass: var pass }:
                        if (!header)
                        {
                            await stdout.WriteLineAsync($"TraceId: {pass.TraceId}\n").ConfigureAwait(false);
                            await stdout.WriteLineAsync(Row("Direction", "Leg", "Node", "Bridge", "In -> Out", "TunnelId", "Verdict", "Reason")).ConfigureAwait(false);
                            header = true;
                        }
                        await stdout.WriteLineAsync(Row(pass.Direction.ToString(), pass.Leg.ToString(CultureInfo.InvariantCulture), pass.Node, pass.Bridge,
                            $"{pass.InPortName ?? pass.InPort?.ToString(CultureInfo.InvariantCulture) ?? "?"} -> {pass.OutPortName ?? pass.OutPort?.ToString(CultureInfo.InvariantCulture) ?? "-"}",
                            pass.TunnelId ?? "", pass.Verdict.ToString(), pass.Reason)).ConfigureAwait(false);
                        if (hops)
                            foreach (var h in pass.Hops)
                                await stdout.WriteLineAsync($"      {h.Table,2} {h.TableName,-22} prio {h.Priority?.ToString(CultureInfo.InvariantCulture) ?? "-",-5} {h.Match}  => {h.Actions}{(h.Decoded.Length > 0 ? "  [" + h.Decoded + "]" : "")}").ConfigureAwait(false);
                        break;
                    case SummaryEvent { Summary: var s }:
                        summaries.Add(s);
                        break;
                    case VerboseEvent v when verbose:
                        await stderr.WriteLineAsync("VERBOSE: " + v.Message).ConfigureAwait(false);
                        break;
                    case WarningEvent w:
                        await stderr.WriteLineAsync("WARNING: " + w.Message).ConfigureAwait(false);
                        break;
                }
            }
            foreach (var s in summaries)
            {
                var sb = new StringBuilder();
                sb.Append(CultureInfo.InvariantCulture, $"\n{s.Direction}: {s.Verdict}  {s.Source} ({s.SourceAddress}) -> {s.Destination} ({s.DestinationAddress}) {s.Protocol}");
                if (s.DestinationPort is int dp) sb.Append(CultureInfo.InvariantCulture, $"/{dp}");
                sb.Append(CultureInfo.InvariantCulture, $"\n  path {s.Path}; legs {s.Legs}; execs {s.Execs}; API reads {s.ApiReads}; {s.DurationMs} ms");
                if (s.DropNode is not null) sb.Append(CultureInfo.InvariantCulture, $"\n  dropped at {s.DropNode} {s.DropBridge} table {s.DropTable} {s.DropTableName}");
                if (s.TunnelId is not null) sb.Append(CultureInfo.InvariantCulture, $"\n  tunnel id {s.TunnelId}");
                if (s.DnatAddress is not null) sb.Append(CultureInfo.InvariantCulture, $"\n  DNAT to {s.DnatAddress}");
                if (s.SnatAddress is not null) sb.Append(CultureInfo.InvariantCulture, $"\n  SNAT to {s.SnatAddress}");
                sb.Append(CultureInfo.InvariantCulture, $"\n  {s.Reason}");
                await stdout.WriteLineAsync(sb.ToString()).ConfigureAwait(false);
            }
            return summaries.Any(s => s.Verdict == TraceVerdict.Drop) ? 4 : 0;
        }
        catch (AciTraceException e)
        {
            await stderr.WriteLineAsync($"aci-lab: {e.ErrorId}: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }

    private static (string, string) Split(string key)
    {
        var slash = key.IndexOf('/');
        return slash < 0 ? ("", key) : (key[..slash], key[(slash + 1)..]);
    }

    private static string Row(string dir, string leg, string node, string bridge, string ports, string tunnel, string verdict, string reason) =>
        $"{dir,-9} {leg,3} {node,-8} {bridge,-9} {ports,-38} {tunnel,-9} {verdict,-8} {reason}";
}
