namespace AciTrace.Aci;

/// <summary>
/// Names of the opflex agent's id namespaces (IdGenerator). Each is persisted as <c>&lt;namespace&gt;.id</c>
/// in the agent's <c>ids</c> directory (research/opflex-pipeline.md 5.1-5.2).
/// </summary>
public static class OpflexIdNamespace
{
    /// <summary>br-access reg0: security-group sets, keyed by the comma-joined SG URIs ("" = none).</summary>
    public const string SecGroupSet = "secGroupSet";
    /// <summary>br-access reg6 and ct zones: keyed by endpoint uuid, RD URI or SNAT uuid.</summary>
    public const string Conntrack = "conntrack";
    /// <summary>br-int reg4: bridge domains, keyed by BD URI.</summary>
    public const string BridgeDomain = "bridgeDomain";
    /// <summary>br-int reg5 and flood group ids: keyed by FD URI (or EPG URI).</summary>
    public const string FloodDomain = "floodDomain";
    /// <summary>br-int reg6: routing domains (VRFs), keyed by RD URI.</summary>
    public const string RoutingDomain = "routingDomain";
    /// <summary>br-int reg12 / ct_mark: services, keyed by service uuid.</summary>
    public const string Service = "service";
    /// <summary>NAT external networks, keyed by L3ExternalNetwork URI.</summary>
    public const string ExternalNetwork = "externalNetwork";
    /// <summary>Cookies of contract and security-group flows, keyed by L24Classifier URI.</summary>
    public const string L24ClassifierRule = "l24classifierRule";
    /// <summary>Service statistics cookies.</summary>
    public const string SvcStats = "svcstats";
    /// <summary>Security groups.</summary>
    public const string SecGroup = "secGroup";

    /// <summary>All namespaces the decoder knows, in the order acikubectl reads them plus the rest.</summary>
    public static IReadOnlyList<string> All { get; } = new[]
    {
        SecGroupSet, Service, FloodDomain, RoutingDomain, Conntrack, BridgeDomain, ExternalNetwork, L24ClassifierRule,
        SvcStats, SecGroup,
    };

    /// <summary>File name of a namespace's id file, e.g. <c>bridgeDomain.id</c>.</summary>
    public static string FileName(string ns) => ns + ".id";
}
