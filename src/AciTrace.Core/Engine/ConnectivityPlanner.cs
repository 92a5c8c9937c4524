using AciTrace.Discovery;
using AciTrace.Kube;

namespace AciTrace.Engine;

/// <summary>What Get-AciConnectivity covers: pods of some namespaces, optionally narrowed by label selectors.</summary>
public sealed record ConnectivityScope
{
    /// <summary>Namespaces whose pods are sources and destinations; empty: the context's namespace.</summary>
    public IReadOnlyList<string> Namespaces { get; init; } = Array.Empty<string>();

    /// <summary>Kubernetes label selector for the sources (API syntax: <c>app=web,tier in (a,b)</c>); null: every pod.</summary>
    public string? SourceSelector { get; init; }

    /// <summary>Label selector for the destinations; null: every pod.</summary>
    public string? DestinationSelector { get; init; }

    /// <summary>Destination ports to probe; empty: the destination's container ports and the ports its Services send to.</summary>
    public IReadOnlyList<int> Ports { get; init; } = Array.Empty<int>();

    /// <summary>The protocol of <see cref="Ports"/> (TCP or UDP).</summary>
    public TraceProtocol Protocol { get; init; } = TraceProtocol.Tcp;
}

/// <summary>One pair to trace, and where its port came from.</summary>
public sealed record ConnectivityProbe(string SourceNamespace, string SourceName, string DestinationNamespace, string DestinationName,
    TraceProtocol Protocol, int? Port, string PortOrigin)
{
    public string Source => SourceNamespace + "/" + SourceName;
    public string Destination => DestinationNamespace + "/" + DestinationName;

    public TraceRequest ToRequest() => new()
    {
        Kind = TraceKind.Pod, SourceNamespace = SourceNamespace, SourceName = SourceName,
        DestinationNamespace = DestinationNamespace, DestinationName = DestinationName, Protocol = Protocol, DestinationPort = Port,
    };
}

/// <summary>
/// Lists the pairs of a <see cref="ConnectivityScope"/>: every running pod (not being deleted) with an address on the pod network as a
/// source, every such pod other than itself as a destination, on each port the destination serves (its container
/// ports, and the target ports of the Services that select it), or ICMP echo for a destination that declares none.
/// </summary>
internal static class ConnectivityPlanner
{
    public static async Task<IReadOnlyList<ConnectivityProbe>> PlanAsync(ClusterDiscovery discovery, ConnectivityScope scope, CancellationToken ct)
    {
        var namespaces = scope.Namespaces.Count > 0
            ? scope.Namespaces.Distinct(StringComparer.Ordinal).ToList()
            : new List<string> { await discovery.DefaultNamespaceAsync(ct).ConfigureAwait(false) };
        var sourceLists = await Task.WhenAll(namespaces.Select(ns => discovery.PodListAsync(ns, scope.SourceSelector, ct))).ConfigureAwait(false);
        // The same selector on both sides (no selector at all, usually) lists the same pods: read them once.
        var destinationLists = scope.DestinationSelector == scope.SourceSelector
            ? sourceLists
            : await Task.WhenAll(namespaces.Select(ns => discovery.PodListAsync(ns, scope.DestinationSelector, ct))).ConfigureAwait(false);
        // A list of a namespace that does not exist is empty, not an error: only then is the namespace itself read.
        for (int i = 0; i < namespaces.Count; i++)
            if (sourceLists[i].Count == 0 && destinationLists[i].Count == 0) await discovery.EnsureNamespaceAsync(namespaces[i], ct).ConfigureAwait(false);
        var sources = sourceLists.SelectMany(p => p).Where(Traceable).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var destinations = destinationLists.SelectMany(p => p).Where(Traceable).OrderBy(p => p.Key, StringComparer.Ordinal).ToList();
        var services = scope.Ports.Count > 0
            ? new List<ServiceInfo>()
            : (await Task.WhenAll(namespaces.Select(ns => discovery.ServiceListAsync(ns, ct))).ConfigureAwait(false)).SelectMany(s => s).ToList();
        var probes = new List<ConnectivityProbe>();
        var ports = destinations.ToDictionary(d => d.Key, d => PortsOf(d, services, scope), StringComparer.Ordinal);
        foreach (var src in sources)
            foreach (var dst in destinations.Where(d => d.Key != src.Key))
                foreach (var (protocol, port, origin) in ports[dst.Key])
                    probes.Add(new ConnectivityProbe(src.Namespace, src.Name, dst.Namespace, dst.Name, protocol, port, origin));
        return probes;
    }

    /// <summary>Pods whose traffic goes through OVS: running and not being deleted, with an address, not on the host network.</summary>
    private static bool Traceable(PodInfo pod) =>
        pod.Phase == "Running" && !pod.Terminating && pod.Addresses.Count > 0 && !pod.HostNetwork && !string.IsNullOrEmpty(pod.NodeName);

    private static IReadOnlyList<(TraceProtocol Protocol, int? Port, string Origin)> PortsOf(PodInfo dst, IReadOnlyList<ServiceInfo> services, ConnectivityScope scope)
    {
        if (scope.Ports.Count > 0)
            return scope.Ports.Distinct().Order().Select(p => (scope.Protocol, (int?)p, "-Port")).ToList();
        var found = new List<(TraceProtocol Protocol, int? Port, string Origin)>();
        void Add(string protocol, int port, string origin)
        {
            var proto = protocol.ToUpperInvariant() switch { "TCP" => TraceProtocol.Tcp, "UDP" => TraceProtocol.Udp, _ => (TraceProtocol?)null };
            if (proto is { } p && !found.Any(f => f.Protocol == p && f.Port == port)) found.Add((p, port, origin));
        }
        foreach (var cp in dst.Ports) Add(cp.Protocol, cp.Port, cp.Name is null ? "containerPort" : "containerPort " + cp.Name);
        foreach (var svc in services.Where(s => s.Namespace == dst.Namespace && s.Selector.Count > 0 && s.Selector.All(kv => dst.Labels.TryGetValue(kv.Key, out var v) && v == kv.Value)))
            foreach (var sp in svc.Ports)
            {
                var target = sp.TargetPortNumber
                    ?? dst.Ports.FirstOrDefault(cp => cp.Name == sp.TargetPortName && string.Equals(cp.Protocol, sp.Protocol, StringComparison.OrdinalIgnoreCase))?.Port;
                if (target is int t) Add(sp.Protocol, t, $"Service {svc.Key} port {sp.Port}");
            }
        if (found.Count == 0) found.Add((TraceProtocol.Icmp, null, "no declared port: ICMP echo"));
        return found.OrderBy(f => f.Protocol).ThenBy(f => f.Port).ToList();
    }
}

/// <summary>Builds the matrix from each probe's outcome: its request-direction summary, or why it could not be traced.</summary>
public static class ConnectivityMatrixBuilder
{
    public static AciConnectivityMatrix Build(IReadOnlyList<ConnectivityProbe> probes, IReadOnlyDictionary<ConnectivityProbe, AciTraceSummary> traced,
        IReadOnlyDictionary<ConnectivityProbe, string> failed)
    {
        var sources = probes.Select(p => p.Source).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var destinations = probes.Select(p => p.Destination).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var cells = new List<AciConnectivityCell>();
        foreach (var pair in probes.GroupBy(p => (p.Source, p.Destination)))
        {
            var parts = new List<string>();
            var results = new List<TraceVerdict?>();
            var summaries = new List<AciTraceSummary>();
            string? reason = null;
            foreach (var probe in pair)
            {
                var port = probe.Port is int n ? $"{n}/{probe.Protocol.ToString().ToUpperInvariant()}" : probe.Protocol.ToString().ToUpperInvariant();
                if (traced.TryGetValue(probe, out var summary))
                {
                    summaries.Add(summary);
                    results.Add(summary.Verdict);
                    parts.Add($"{port} {summary.Verdict}");
                    if (summary.Verdict != TraceVerdict.Deliver) reason ??= summary.Reason;
                }
                else
                {
                    results.Add(null);
                    parts.Add($"{port} failed");
                    reason ??= failed.GetValueOrDefault(probe) ?? "not traced";
                }
            }
            var result = results.All(r => r == TraceVerdict.Deliver) ? ConnectivityResult.Deliver
                : results.All(r => r == TraceVerdict.Drop) ? ConnectivityResult.Drop
                : results.All(r => r is TraceVerdict.Deliver or TraceVerdict.Drop) ? ConnectivityResult.Partial
                : ConnectivityResult.Unknown;
            cells.Add(new AciConnectivityCell
            {
                Source = pair.Key.Source, Destination = pair.Key.Destination, Result = result, Ports = string.Join("; ", parts),
                Reason = reason ?? "", Traces = summaries,
            });
        }
        return new AciConnectivityMatrix(sources, destinations, cells);
    }
}
