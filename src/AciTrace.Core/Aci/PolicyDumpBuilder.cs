namespace AciTrace.Aci;

/// <summary>What a classifier matches, for <see cref="PolicyDumpBuilder.AddClassifier"/>.</summary>
public sealed record ClassifierSpec
{
    public int? EtherType { get; init; } = 0x0800;
    public int? Protocol { get; init; }
    public int? SourceFromPort { get; init; }
    public int? SourceToPort { get; init; }
    public int? DestinationFromPort { get; init; }
    public int? DestinationToPort { get; init; }
    public int? ArpOpcode { get; init; }
    /// <summary>1 = reflexive.</summary>
    public int? ConnectionTracking { get; init; }
    public int? Order { get; init; }
    public PolicyRuleDirection? Direction { get; init; }
}

/// <summary>A rule for <see cref="PolicyDumpBuilder.AddContract"/> or <see cref="PolicyDumpBuilder.AddSecurityGroup"/>.</summary>
public sealed record PolicyRuleSpec(string Name, PolicyRuleDirection? Direction, IReadOnlyList<string> ClassifierUris)
{
    public int? Order { get; init; }
    public bool Allow { get; init; } = true;
    /// <summary>Remote subnets (<c>address/prefix</c>) of a security-group rule.</summary>
    public IReadOnlyList<string> RemoteSubnets { get; init; } = Array.Empty<string>();
}

/// <summary>
/// Builds a policy dump the way the agent's MODB holds it, for the lab to serve as <c>gbp_inspect</c> output.
/// Relation objects (<c>...RSrc</c>) carry a <c>target</c> reference; their own URIs use the escaped target URI as
/// the last element (readers, including <see cref="PolicyDump"/>, only follow the <c>target</c> property).
/// </summary>
public sealed class PolicyDumpBuilder
{
    private readonly List<string> _order = new();
    private readonly Dictionary<string, Mutable> _objects = new(StringComparer.Ordinal);

    private sealed class Mutable
    {
        public string Subject = "";
        public string Uri = "";
        public List<PolicyProperty> Properties = new();
        public List<string> Children = new();
        public string? ParentSubject, ParentUri, ParentRelation;
    }

    /// <summary>
    /// Adds (or replaces the properties of) an object. With a parent, the object is listed among the parent's children
    /// and gets parent_subject/parent_uri/parent_relation (the relation is the child's class, as opflex prints it).
    /// </summary>
    public string AddObject(string subject, string uri, string? parentUri, params (string Name, PolicyValue Value)[] properties)
    {
        if (!_objects.TryGetValue(uri, out var m))
        {
            m = new Mutable { Subject = subject, Uri = uri };
            _objects[uri] = m;
            _order.Add(uri);
        }
        foreach (var (name, value) in properties)
        {
            m.Properties.RemoveAll(p => p.Name == name);
            m.Properties.Add(new PolicyProperty(name, value));
        }
        if (parentUri is not null && _objects.TryGetValue(parentUri, out var parent))
        {
            m.ParentSubject = parent.Subject;
            m.ParentUri = parentUri;
            m.ParentRelation = subject;
            if (!parent.Children.Contains(uri)) parent.Children.Add(uri);
        }
        return uri;
    }

    private string AddRelation(string ownerUri, string relationSubject, string targetSubject, string targetUri, bool vector)
    {
        var uri = ownerUri + relationSubject + "/" + (vector ? PolicyUri.Encode(targetUri) + "/" : "");
        return AddObject(relationSubject, uri, ownerUri, ("target", PolicyValue.Ref(targetSubject, targetUri)));
    }

    private string EnsurePolicySpace(string policySpace)
    {
        const string universe = "/PolicyUniverse/";
        AddObject("PolicyUniverse", universe, null);
        return AddObject("PolicySpace", PolicyUri.PolicySpaceRoot + PolicyUri.Encode(policySpace) + "/", universe,
            ("name", PolicyValue.Of(policySpace)));
    }

    private string Named(string policySpace, string subject, string name, params (string, PolicyValue)[] props)
    {
        var ps = EnsurePolicySpace(policySpace);
        var all = new List<(string, PolicyValue)> { ("name", PolicyValue.Of(name)) };
        all.AddRange(props);
        return AddObject(subject, PolicyUri.InPolicySpace(policySpace, subject, name), ps, all.ToArray());
    }

    /// <summary>A routing domain (VRF).</summary>
    public string AddRoutingDomain(string policySpace, string name) => Named(policySpace, "GbpRoutingDomain", name);

    /// <summary>A bridge domain in a routing domain.</summary>
    public string AddBridgeDomain(string policySpace, string name, string routingDomainUri)
    {
        var uri = Named(policySpace, "GbpBridgeDomain", name, ("routingMode", PolicyValue.Of(1)));
        AddRelation(uri, "GbpBridgeDomainToNetworkRSrc", "GbpRoutingDomain", routingDomainUri, vector: false);
        return uri;
    }

    /// <summary>A flood domain in a bridge domain.</summary>
    public string AddFloodDomain(string policySpace, string name, string bridgeDomainUri)
    {
        var uri = Named(policySpace, "GbpFloodDomain", name);
        AddRelation(uri, "GbpFloodDomainToNetworkRSrc", "GbpBridgeDomain", bridgeDomainUri, vector: false);
        return uri;
    }

    /// <summary>An EPG with its VNID (GbpeInstContext encapId) and its contracts.</summary>
    public string AddEpg(string policySpace, string name, uint vnid, string? floodDomainUri = null, uint? classId = null,
        IEnumerable<string>? provides = null, IEnumerable<string>? consumes = null, IEnumerable<string>? intra = null)
    {
        var uri = Named(policySpace, "GbpEpGroup", name, ("intraGroupPolicy", PolicyValue.Of(0)));
        var ctx = new List<(string, PolicyValue)> { ("encapId", PolicyValue.Of(vnid)) };
        if (classId is { } c) ctx.Add(("classid", PolicyValue.Of(c)));
        AddObject("GbpeInstContext", uri + "GbpeInstContext/", uri, ctx.ToArray());
        if (floodDomainUri is not null) AddRelation(uri, "GbpEpGroupToNetworkRSrc", "GbpFloodDomain", floodDomainUri, vector: false);
        foreach (var p in provides ?? Array.Empty<string>()) AddRelation(uri, "GbpEpGroupToProvContractRSrc", "GbpContract", p, vector: true);
        foreach (var p in consumes ?? Array.Empty<string>()) AddRelation(uri, "GbpEpGroupToConsContractRSrc", "GbpContract", p, vector: true);
        foreach (var p in intra ?? Array.Empty<string>()) AddRelation(uri, "GbpEpGroupToIntraContractRSrc", "GbpContract", p, vector: true);
        return uri;
    }

    /// <summary>An L2-L4 classifier.</summary>
    public string AddClassifier(string policySpace, string name, ClassifierSpec spec)
    {
        var props = new List<(string, PolicyValue)>();
        void Put(string n, int? v) { if (v is { } x) props.Add((n, PolicyValue.Of(x))); }
        Put("etherT", spec.EtherType);
        Put("prot", spec.Protocol);
        Put("sFromPort", spec.SourceFromPort);
        Put("sToPort", spec.SourceToPort);
        Put("dFromPort", spec.DestinationFromPort);
        Put("dToPort", spec.DestinationToPort);
        Put("arpOpc", spec.ArpOpcode);
        Put("connectionTracking", spec.ConnectionTracking);
        Put("order", spec.Order);
        Put("direction", (int?)spec.Direction);
        return Named(policySpace, "GbpeL24Classifier", name, props.ToArray());
    }

    /// <summary>A contract with one subject holding the rules.</summary>
    public string AddContract(string policySpace, string name, IEnumerable<PolicyRuleSpec> rules, string subjectName = "subject")
    {
        var uri = Named(policySpace, "GbpContract", name);
        var subject = AddObject("GbpSubject", uri + "GbpSubject/" + PolicyUri.Encode(subjectName) + "/", uri, ("name", PolicyValue.Of(subjectName)));
        foreach (var r in rules) AddRule(policySpace, subject, "GbpRule", r);
        return uri;
    }

    /// <summary>A security group with one subject holding the rules (remote subnets become a GbpSubnets per rule).</summary>
    public string AddSecurityGroup(string policySpace, string name, IEnumerable<PolicyRuleSpec> rules, string subjectName = "subject")
    {
        var uri = Named(policySpace, "GbpSecGroup", name);
        var subject = AddObject("GbpSecGroupSubject", uri + "GbpSecGroupSubject/" + PolicyUri.Encode(subjectName) + "/", uri,
            ("name", PolicyValue.Of(subjectName)));
        foreach (var r in rules) AddRule(policySpace, subject, "GbpSecGroupRule", r, name);
        return uri;
    }

    private void AddRule(string policySpace, string subjectUri, string ruleClass, PolicyRuleSpec r, string? ownerName = null)
    {
        var props = new List<(string, PolicyValue)> { ("name", PolicyValue.Of(r.Name)) };
        if (r.Direction is { } d) props.Add(("direction", PolicyValue.Of((int)d)));
        if (r.Order is { } o) props.Add(("order", PolicyValue.Of(o)));
        var rule = AddObject(ruleClass, subjectUri + ruleClass + "/" + PolicyUri.Encode(r.Name) + "/", subjectUri, props.ToArray());
        foreach (var c in r.ClassifierUris) AddRelation(rule, "GbpRuleToClassifierRSrc", "GbpeL24Classifier", c, vector: true);
        var action = Named(policySpace, "GbpAllowDenyAction", r.Allow ? "allow" : "deny", ("allow", PolicyValue.Of(r.Allow ? 1 : 0)));
        AddRelation(rule, "GbpRuleToActionRSrc", "GbpAllowDenyAction", action, vector: true);
        if (r.RemoteSubnets.Count > 0)
        {
            var setName = (ownerName ?? "rule") + "_" + r.Name + "_remote";
            var set = Named(policySpace, "GbpSubnets", setName);
            foreach (var cidr in r.RemoteSubnets)
            {
                var slash = cidr.IndexOf('/');
                var addr = slash < 0 ? cidr : cidr[..slash];
                var len = slash < 0 ? (addr.Contains(':') ? 128 : 32) : int.TryParse(cidr[(slash + 1)..], out var l) ? l : 0;
                AddObject("GbpSubnet", set + "GbpSubnet/" + PolicyUri.Encode(cidr) + "/", set,
                    ("name", PolicyValue.Of(cidr)), ("address", PolicyValue.Of(addr)), ("prefixLen", PolicyValue.Of(len)));
            }
            AddRelation(rule, "GbpSecGroupRuleToRemoteAddressRSrc", "GbpSubnets", set, vector: true);
        }
    }

    /// <summary>The dump built so far.</summary>
    public PolicyDump Build() => new(_order.Select(u => _objects[u]).Select(m => new PolicyObject
    {
        Subject = m.Subject,
        Uri = m.Uri,
        Properties = m.Properties.ToArray(),
        Children = m.Children.ToArray(),
        ParentSubject = m.ParentSubject,
        ParentUri = m.ParentUri,
        ParentRelation = m.ParentRelation,
    }));

    /// <summary>The dump as <c>gbp_inspect -t dump</c> JSON.</summary>
    public string ToJson() => Build().ToJson();
}
