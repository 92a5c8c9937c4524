using AciTrace.Lab.Spec;

namespace AciTrace.Lab.Generation;

/// <summary>Managed-object URIs of the cluster's ACI policy, as gbp_inspect and the id files show them.</summary>
public sealed class AciUris(ResolvedCluster c)
{
    private string Space => $"/PolicyUniverse/PolicySpace/{c.Tenant}/";
    /// <summary>The policy space.</summary>
    public string PolicySpace => Space;
    /// <summary>GbpRoutingDomain (VRF).</summary>
    public string RoutingDomain => $"{Space}GbpRoutingDomain/{c.Spec.Vrf}/";
    /// <summary>GbpBridgeDomain.</summary>
    public string BridgeDomain => $"{Space}GbpBridgeDomain/{c.Spec.BridgeDomain}/";
    /// <summary>GbpFloodDomain [R]: named like the BD.</summary>
    public string FloodDomain => $"{Space}GbpFloodDomain/{c.Spec.BridgeDomain}/";
    /// <summary>GbpSubnets of the RD's internal subnets.</summary>
    public string Subnets => $"{Space}GbpSubnets/{c.Spec.Vrf}-subnets/";
    /// <summary>GbpEpGroup of an EPG ('|' encoded as %7c).</summary>
    public string Epg(ResolvedEpg e) => $"{Space}GbpEpGroup/{e.UriName}/";
    /// <summary>GbpeInstContext of an EPG.</summary>
    public string InstContext(ResolvedEpg e) => Epg(e) + "GbpeInstContext/";
    /// <summary>GbpContract.</summary>
    public string Contract(string name) => $"{Space}GbpContract/{name}/";
    /// <summary>GbpeL24Classifier.</summary>
    public string Classifier(string name) => $"{Space}GbpeL24Classifier/{name}/";
    /// <summary>Classifier name of a contract filter.</summary>
    public static string FilterClassifierName(ResolvedContract k, ResolvedFilter f) => $"{k.Name}-{f.Name}";
    /// <summary>GbpSecGroup.</summary>
    public string SecGroup(string name) => $"{Space}GbpSecGroup/{name}/";
}
