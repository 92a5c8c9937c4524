using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text.Json;

namespace AciTrace.Aci;

/// <summary>
/// The opflex agent's policy database, or the part of it a query returned, as printed by <c>gbp_inspect ... -t dump</c>
/// (<c>-fprq DmtreeRoot</c> for all of it; the tracer reads <see cref="AciTrace.Discovery.NodePolicyQuery"/>): a JSON array of
/// <c>{subject, uri, properties:[{name,data}], children[], parent_subject, parent_uri, parent_relation}</c>
/// (research/opflex-pipeline.md 5.3). Indexed by URI (escape-case-insensitive) and subject, with views of EPGs,
/// contracts, security groups and classifiers.
/// </summary>
public sealed class PolicyDump
{
    private readonly List<PolicyObject> _objects;
    private readonly Dictionary<string, PolicyObject> _byCanonical = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<PolicyObject>> _bySubject = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, List<PolicyObject>> _children = new(StringComparer.Ordinal);
    private readonly Lazy<IReadOnlyList<EpgInfo>> _epgs;
    private readonly Lazy<Dictionary<uint, EpgInfo>> _epgByVnid;
    private readonly Lazy<IReadOnlyList<ContractInfo>> _contracts;
    private readonly Lazy<Dictionary<string, ContractInfo>> _contractByUri;
    private readonly Lazy<Dictionary<string, EpgInfo>> _epgByUri;
    private readonly Lazy<IReadOnlyList<SecurityGroupInfo>> _securityGroups;
    private readonly ConcurrentDictionary<string, ClassifierInfo?> _classifierCache = new(StringComparer.Ordinal);
    private readonly List<string> _warnings;
    private readonly ConcurrentDictionary<string, string> _canonical = new(StringComparer.Ordinal);

    /// <summary>Memoized <see cref="PolicyUri.Canonical"/>: the same URIs are looked up again and again (thread-safe; a dump may be shared).</summary>
    private string Canon(string uri)
    {
        if (PolicyUri.IsCanonicalFast(uri)) return uri;
        if (_canonical.TryGetValue(uri, out var c)) return c;
        c = PolicyUri.Canonical(uri);
        if (_canonical.Count < 100_000) _canonical[uri] = c;
        return c;
    }

    /// <summary>Builds a dump from objects (a later object with the same URI replaces an earlier one).</summary>
    public PolicyDump(IEnumerable<PolicyObject> objects) : this(objects, new List<string>()) { }

    private PolicyDump(IEnumerable<PolicyObject> objects, List<string> warnings)
    {
        _warnings = warnings;
        _objects = new List<PolicyObject>();
        foreach (var o in objects)
        {
            var key = Canon(o.Uri);
            if (_byCanonical.TryGetValue(key, out var old))
            {
                _warnings.Add($"object {o.Uri} appears more than once; the later one is kept");
                _objects.Remove(old);
            }
            _byCanonical[key] = o;
            _objects.Add(o);
        }
        foreach (var o in _objects)
        {
            if (!_bySubject.TryGetValue(o.Subject, out var list)) _bySubject[o.Subject] = list = new List<PolicyObject>();
            list.Add(o);
        }
        // Children come both from each object's list and from parent_uri; either alone is enough.
        var seen = new HashSet<(string, string)>();
        foreach (var o in _objects)
        {
            var self = Canon(o.Uri);
            foreach (var c in o.Children) LinkChild(self, Canon(c), seen);
            if (!string.IsNullOrEmpty(o.ParentUri)) LinkChild(Canon(o.ParentUri), self, seen);
        }
        _epgs = new Lazy<IReadOnlyList<EpgInfo>>(BuildEpgs);
        _epgByVnid = new Lazy<Dictionary<uint, EpgInfo>>(() =>
        {
            var map = new Dictionary<uint, EpgInfo>();
            foreach (var e in Epgs)
                if (e.Vnid is { } v) map.TryAdd(v, e);
            return map;
        });
        _contracts = new Lazy<IReadOnlyList<ContractInfo>>(() => OfSubject("GbpContract").Select(BuildContract).ToArray());
        _contractByUri = new Lazy<Dictionary<string, ContractInfo>>(() => ByCanonicalUri(Contracts, c => c.Uri));
        _epgByUri = new Lazy<Dictionary<string, EpgInfo>>(() => ByCanonicalUri(Epgs, e => e.Uri));
        _securityGroups = new Lazy<IReadOnlyList<SecurityGroupInfo>>(() => OfSubject("GbpSecGroup").Select(BuildSecurityGroup).ToArray());
    }

    private Dictionary<string, T> ByCanonicalUri<T>(IEnumerable<T> items, Func<T, string> uri)
    {
        var map = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var i in items) map.TryAdd(Canon(uri(i)), i);
        return map;
    }

    private void LinkChild(string parent, string child, HashSet<(string, string)> seen)
    {
        if (!seen.Add((parent, child)) || !_byCanonical.TryGetValue(child, out var c)) return;
        if (!_children.TryGetValue(parent, out var list)) _children[parent] = list = new List<PolicyObject>();
        list.Add(c);
    }

    /// <summary>All objects in dump order.</summary>
    public IReadOnlyList<PolicyObject> Objects => _objects;

    /// <summary>Objects skipped or replaced while reading.</summary>
    public IReadOnlyList<string> Warnings => _warnings;

    /// <summary>Reads a dump. False (with a reason) only when the text is not a JSON array; bad objects are skipped with a warning.</summary>
    public static bool TryParse(string? json, [NotNullWhen(true)] out PolicyDump? dump, out string? error)
    {
        dump = null;
        using var doc = Json.TryParse(json, out error);
        if (doc is null) return false;
        PolicyDump? result = null;
        string? shapeError = null;
        var ok = Json.Guard(Read, out var readError);
        if (!ok) { error = shapeError ?? readError; return false; }
        dump = result!;
        return true;

        bool Read()
        {
            var root = doc.RootElement;
            if (root.ValueKind != JsonValueKind.Array)
            {
                shapeError = $"policy dump must be a JSON array, not {root.ValueKind}";
                return false;
            }
            var warnings = new List<string>();
            var objects = new List<PolicyObject>();
            var index = 0;
            foreach (var e in root.EnumerateArray())
            {
                var o = ReadObject(e, index, warnings);
                if (o is not null) objects.Add(o);
                index++;
            }
            result = new PolicyDump(objects, warnings);
            return true;
        }
    }

    private static PolicyObject? ReadObject(JsonElement e, int index, List<string> warnings)
    {
        if (e.ValueKind != JsonValueKind.Object)
        {
            warnings.Add($"element {index} is {e.ValueKind}, not an object; skipped");
            return null;
        }
        var uri = Json.String(e, "uri");
        if (string.IsNullOrEmpty(uri))
        {
            warnings.Add($"element {index} has no uri; skipped");
            return null;
        }
        var props = new List<PolicyProperty>();
        foreach (var p in Json.Objects(e, "properties"))
        {
            var name = Json.String(p, "name");
            if (name is null) continue;
            props.Add(new PolicyProperty(name, Json.TryGet(p, "data", out var d) ? PolicyValue.FromJson(d) : PolicyValue.Null));
        }
        return new PolicyObject
        {
            Subject = Json.String(e, "subject") ?? "",
            Uri = uri,
            Properties = props,
            Children = Json.Strings(e, "children"),
            ParentSubject = Json.String(e, "parent_subject"),
            ParentUri = Json.String(e, "parent_uri"),
            ParentRelation = Json.String(e, "parent_relation"),
        };
    }

    /// <summary>Writes the dump in <c>gbp_inspect -t dump</c> form.</summary>
    public string ToJson() => Json.Write(w =>
    {
        w.WriteStartArray();
        foreach (var o in _objects)
        {
            w.WriteStartObject();
            w.WriteString("subject", o.Subject);
            w.WriteString("uri", o.Uri);
            w.WriteStartArray("properties");
            foreach (var p in o.Properties)
            {
                w.WriteStartObject();
                w.WriteString("name", p.Name);
                w.WritePropertyName("data");
                p.Data.WriteTo(w);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            Json.StringsIf(w, "children", o.Children, evenIfEmpty: true);
            Json.StringIf(w, "parent_subject", o.ParentSubject);
            Json.StringIf(w, "parent_uri", o.ParentUri);
            Json.StringIf(w, "parent_relation", o.ParentRelation);
            w.WriteEndObject();
        }
        w.WriteEndArray();
    });

    /// <summary>The object with this URI; escapes compare case-insensitively (<c>%7C</c> = <c>%7c</c>).</summary>
    public PolicyObject? Find(string? uri) =>
        string.IsNullOrEmpty(uri) ? null : _byCanonical.GetValueOrDefault(Canon(uri));

    /// <summary>Objects of one class (case-insensitive).</summary>
    public IReadOnlyList<PolicyObject> OfSubject(string subject) =>
        _bySubject.TryGetValue(subject, out var list) ? list : Array.Empty<PolicyObject>();

    /// <summary>Children of an object (from its list and from the children's parent_uri).</summary>
    public IReadOnlyList<PolicyObject> ChildrenOf(PolicyObject parent) =>
        _children.TryGetValue(Canon(parent.Uri), out var list) ? list : Array.Empty<PolicyObject>();

    /// <summary>Children of one class.</summary>
    public IEnumerable<PolicyObject> ChildrenOf(PolicyObject parent, string subject) =>
        ChildrenOf(parent).Where(c => string.Equals(c.Subject, subject, StringComparison.OrdinalIgnoreCase));

    /// <summary>Targets of the relation children (<c>...RSrc</c>) of one class, through their <c>target</c> property.</summary>
    public IEnumerable<PolicyReference> TargetsOf(PolicyObject parent, string relationSubject) =>
        ChildrenOf(parent, relationSubject).Select(r => r.Reference("target")).OfType<PolicyReference>();

    /// <summary>All EPGs (GbpEpGroup) with their VNIDs.</summary>
    public IReadOnlyList<EpgInfo> Epgs => _epgs.Value;

    /// <summary>The EPG whose GbpeInstContext encapId is <paramref name="vnid"/>.</summary>
    public EpgInfo? EpgByVnid(uint vnid) => _epgByVnid.Value.GetValueOrDefault(vnid);

    /// <summary>The EPG named as in an endpoint file (tenant + <c>app|epg</c>).</summary>
    public EpgInfo? FindEpg(string policySpace, string epgName)
    {
        return _epgByUri.Value.GetValueOrDefault(Canon(PolicyUri.Epg(policySpace, epgName)));
    }

    /// <summary>
    /// VNID of an EPG: the encapId of <c>/PolicyUniverse/PolicySpace/&lt;tenant&gt;/GbpEpGroup/&lt;enc(epg)&gt;/GbpeInstContext/</c>.
    /// </summary>
    public uint? VnidOfEpg(string policySpace, string epgName) =>
        ToUInt(Find(PolicyUri.EpgInstContext(policySpace, epgName))?.Integer("encapId"));

    /// <summary>All contracts.</summary>
    public IReadOnlyList<ContractInfo> Contracts => _contracts.Value;

    /// <summary>The contract with this URI.</summary>
    public ContractInfo? FindContract(string uri)
    {
        return _contractByUri.Value.GetValueOrDefault(Canon(uri));
    }

    /// <summary>
    /// Contracts that relate traffic from <paramref name="source"/> to <paramref name="destination"/>: consumed by one
    /// and provided by the other (either way), plus intra-EPG contracts when both are the same EPG.
    /// </summary>
    public IReadOnlyList<ContractBinding> ContractsBetween(EpgInfo source, EpgInfo destination)
    {
        var result = new List<ContractBinding>();
        void Add(IEnumerable<string> a, IEnumerable<string> b, ContractRole role)
        {
            var other = new HashSet<string>(b.Select(Canon), StringComparer.Ordinal);
            foreach (var uri in a.Where(u => other.Contains(Canon(u))).Distinct())
                if (FindContract(uri) is { } c) result.Add(new ContractBinding(c, role));
        }
        Add(source.ConsumedContracts, destination.ProvidedContracts, ContractRole.SourceConsumes);
        Add(source.ProvidedContracts, destination.ConsumedContracts, ContractRole.SourceProvides);
        if (Canon(source.Uri) == Canon(destination.Uri))
            foreach (var uri in source.IntraContracts.Distinct())
                if (FindContract(uri) is { } c) result.Add(new ContractBinding(c, ContractRole.IntraEpg));
        return result;
    }

    /// <summary>All security groups.</summary>
    public IReadOnlyList<SecurityGroupInfo> SecurityGroups => _securityGroups.Value;

    /// <summary>A security group by tenant and name (as listed in an endpoint file).</summary>
    public SecurityGroupInfo? FindSecurityGroup(string policySpace, string name)
    {
        var key = Canon(PolicyUri.InPolicySpace(policySpace, "GbpSecGroup", name));
        return SecurityGroups.FirstOrDefault(s => Canon(s.Uri) == key);
    }

    /// <summary>A classifier by URI (e.g. the key of an <c>l24classifierRule</c> id).</summary>
    public ClassifierInfo? FindClassifier(string uri)
    {
        var key = Canon(uri);
        if (_classifierCache.TryGetValue(key, out var cached)) return cached;
        var o = Find(uri);
        var info = o is null ? null : BuildClassifier(o);
        _classifierCache[key] = info;
        return info;
    }

    private IReadOnlyList<EpgInfo> BuildEpgs()
    {
        var list = new List<EpgInfo>();
        foreach (var g in OfSubject("GbpEpGroup"))
        {
            var ctx = ChildrenOf(g, "GbpeInstContext").FirstOrDefault() ?? Find(Canon(g.Uri) + "GbpeInstContext/");
            list.Add(new EpgInfo
            {
                Uri = g.Uri,
                PolicySpace = PolicyUri.PolicySpaceOf(g.Uri) ?? "",
                Name = g.String("name") ?? PolicyUri.NameAfter(g.Uri, "GbpEpGroup") ?? "",
                Vnid = ToUInt(ctx?.Integer("encapId")),
                ClassId = ToUInt(ctx?.Integer("classid")),
                MulticastGroupIp = ctx?.String("multicastGroupIP"),
                FloodDomainUri = TargetsOf(g, "GbpEpGroupToNetworkRSrc").FirstOrDefault()?.Uri,
                ProvidedContracts = TargetsOf(g, "GbpEpGroupToProvContractRSrc").Select(r => r.Uri).ToArray(),
                ConsumedContracts = TargetsOf(g, "GbpEpGroupToConsContractRSrc").Select(r => r.Uri).ToArray(),
                IntraContracts = TargetsOf(g, "GbpEpGroupToIntraContractRSrc").Select(r => r.Uri).ToArray(),
            });
        }
        return list;
    }

    private ContractInfo BuildContract(PolicyObject c) => new()
    {
        Uri = c.Uri,
        PolicySpace = PolicyUri.PolicySpaceOf(c.Uri) ?? "",
        Name = c.String("name") ?? PolicyUri.NameAfter(c.Uri, "GbpContract") ?? "",
        Rules = ChildrenOf(c, "GbpSubject")
            .SelectMany(s => ChildrenOf(s, "GbpRule").Select(r => BuildRule(r, s)))
            .OrderBy(r => r.Order ?? int.MaxValue).ToArray(),
    };

    private SecurityGroupInfo BuildSecurityGroup(PolicyObject g) => new()
    {
        Uri = g.Uri,
        PolicySpace = PolicyUri.PolicySpaceOf(g.Uri) ?? "",
        Name = g.String("name") ?? PolicyUri.NameAfter(g.Uri, "GbpSecGroup") ?? "",
        Rules = ChildrenOf(g, "GbpSecGroupSubject")
            .SelectMany(s => ChildrenOf(s, "GbpSecGroupRule").Select(r => BuildRule(r, s)))
            .OrderBy(r => r.Order ?? int.MaxValue).ToArray(),
    };

    private PolicyRuleInfo BuildRule(PolicyObject rule, PolicyObject subject)
    {
        var classifiers = TargetsOf(rule, "GbpRuleToClassifierRSrc")
            .Select(t => FindClassifier(t.Uri)).OfType<ClassifierInfo>()
            .OrderBy(c => c.Order ?? int.MaxValue).ToArray();
        var allow = true;
        foreach (var t in TargetsOf(rule, "GbpRuleToActionRSrc").Concat(TargetsOf(rule, "GbpRuleToActionRSrcAllowDenyAction")))
            if (Find(t.Uri)?.Integer("allow") is { } a) allow = a != 0;
        var subnets = new List<string>();
        foreach (var t in TargetsOf(rule, "GbpSecGroupRuleToRemoteAddressRSrc"))
        {
            if (Find(t.Uri) is not { } set) continue;
            var members = ChildrenOf(set, "GbpSubnet").ToList();
            if (members.Count == 0 && set.String("address") is not null) members.Add(set);
            foreach (var sn in members)
                if (sn.String("address") is { } addr) subnets.Add(addr + "/" + (sn.Integer("prefixLen")?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"));
        }
        return new PolicyRuleInfo
        {
            Uri = rule.Uri,
            Name = rule.String("name") ?? PolicyUri.Readable(rule.Uri),
            SubjectName = subject.String("name") ?? PolicyUri.Readable(subject.Uri),
            Direction = ParseDirection(rule.Property("direction")),
            Order = ToInt(rule.Integer("order")),
            Allow = allow,
            Classifiers = classifiers,
            RemoteSubnets = subnets,
        };
    }

    private static ClassifierInfo BuildClassifier(PolicyObject o) => new()
    {
        Uri = o.Uri,
        PolicySpace = PolicyUri.PolicySpaceOf(o.Uri) ?? "",
        Name = o.String("name") ?? PolicyUri.NameAfter(o.Uri, "GbpeL24Classifier") ?? PolicyUri.Readable(o.Uri),
        EtherType = ToInt(o.Integer("etherT")),
        Protocol = ToInt(o.Integer("prot")),
        SourceFromPort = ToInt(o.Integer("sFromPort")),
        SourceToPort = ToInt(o.Integer("sToPort")),
        DestinationFromPort = ToInt(o.Integer("dFromPort")),
        DestinationToPort = ToInt(o.Integer("dToPort")),
        TcpFlags = ToInt(o.Integer("tcpFlags")),
        ArpOpcode = ToInt(o.Integer("arpOpc")),
        IcmpType = ToInt(o.Integer("icmpType")),
        IcmpCode = ToInt(o.Integer("icmpCode")),
        ConnectionTracking = ToInt(o.Integer("connectionTracking")),
        Order = ToInt(o.Integer("order")),
        Direction = ParseDirection(o.Property("direction")),
    };

    internal static PolicyRuleDirection? ParseDirection(PolicyValue? v)
    {
        if (v is null) return null;
        if (v.AsInteger() is { } n) return n is >= 0 and <= 2 ? (PolicyRuleDirection)n : null;
        return v.AsText()?.Trim().ToLowerInvariant() switch
        {
            "bidirectional" => PolicyRuleDirection.Bidirectional,
            "in" => PolicyRuleDirection.In,
            "out" => PolicyRuleDirection.Out,
            _ => null,
        };
    }

    private static uint? ToUInt(long? v) => v is >= 0 and <= uint.MaxValue ? (uint)v.Value : null;
    private static int? ToInt(long? v) => v is >= int.MinValue and <= int.MaxValue ? (int)v.Value : null;
}
