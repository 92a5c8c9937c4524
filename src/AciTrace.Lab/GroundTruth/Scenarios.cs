using System.Net;
using AciTrace.Lab.Spec;

namespace AciTrace.Lab.GroundTruth;

/// <summary>Turns scenario specs into packet queries.</summary>
public static class Scenarios
{
    /// <summary>Resolves a scenario; returns null with an error text when it names unknown objects.</summary>
    public static PacketQuery? ToQuery(ResolvedCluster c, ScenarioSpec s, out string? error)
    {
        error = null;
        var src = FindPod(c, s.From);
        if (src is null) { error = $"from: unknown pod '{s.From}'"; return null; }
        if (!src.HasVeth) { error = $"from: pod '{s.From}' has no veth (hostNetwork or Pending)"; return null; }
        var proto = s.Protocol.ToLowerInvariant();
        if (proto is not ("tcp" or "udp" or "icmp" or "arp")) { error = $"protocol: '{s.Protocol}' is not tcp, udp, icmp or arp"; return null; }
        if (proto is "tcp" or "udp" && s.Port is not (>= 1 and <= 65535)) { error = "port: tcp/udp scenarios need a port 1..65535"; return null; }
        if (s.Expect is not null && !Enum.TryParse<TraceVerdict>(s.Expect, out _)) { error = $"expect: '{s.Expect}' is not Deliver, Forward, Drop or Punt"; return null; }
        var targets = new[] { s.ToPod, s.ToService, s.ToExternal, s.ToIp }.Count(x => x is not null);
        if (targets != 1) { error = "exactly one of toPod, toService, toExternal, toIp is required"; return null; }
        IPAddress? dst = null;
        if (s.ToPod is not null)
        {
            var p = FindPod(c, s.ToPod);
            if (p is null || !p.Running) { error = $"toPod: '{s.ToPod}' is not a Running pod"; return null; }
            dst = p.Ip;
        }
        else if (s.ToService is not null)
        {
            var parts = s.ToService.Split('/');
            var svc = parts.Length == 2 ? c.FindService(parts[0], parts[1]) : null;
            if (svc is null) { error = $"toService: unknown service '{s.ToService}'"; return null; }
            dst = svc.ClusterIp;
        }
        else if (s.ToExternal is not null)
        {
            if (!c.Externals.TryGetValue(s.ToExternal, out dst)) { error = $"toExternal: unknown external '{s.ToExternal}'"; return null; }
        }
        else if (!IpCidr.TryParseAddress(s.ToIp, out dst)) { error = $"toIp: '{s.ToIp}' is not an IP address"; return null; }
        return new PacketQuery(src, dst!, proto, proto is "tcp" or "udp" ? s.SourcePort ?? 40000 : null, proto is "tcp" or "udp" ? s.Port : null);
    }

    private static ResolvedPod? FindPod(ResolvedCluster c, string key)
    {
        var parts = key.Split('/');
        return parts.Length == 2 ? c.FindPod(parts[0], parts[1]) : null;
    }
}
