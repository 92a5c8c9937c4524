using System.Text;
using System.Text.Json;
using AciTrace.Aci;
using AciTrace.Discovery;
using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Packets;

namespace AciTrace.Tests.Unit.Aci;

/// <summary>
/// Mutation fuzzing of every reader: byte flips, truncation, insertion of random bytes and JSON tokens, deletion and
/// duplication of ranges. Deterministic seeds; any exception fails the test with the offending input.
/// </summary>
public class AciFuzzTests
{
    private const int Iterations = 10_000;

    private static readonly string[] Tokens =
    {
        "{", "}", "[", "]", "\"", ",", ":", "null", "true", "1e999", "-0", "\\u", "\\ud800", "0x", "18446744073709551616",
        "\"uri\":", "\"data\":", "{\"subject\":\"GbpEpGroup\"", "\"reference_uri\":\"/\"", "%", "%7", "%ff", "/", "..", "(", "):", " addr:", "LOCAL(",
        "\n 7(", "\uFFFF", "é", "\0",
    };

    private sealed class Mutator(int seed)
    {
        private readonly Random _rng = new(seed);

        public byte[] Mutate(byte[] input)
        {
            var data = new List<byte>(input);
            var rounds = 1 + _rng.Next(4);
            for (var i = 0; i < rounds; i++)
            {
                var pos = data.Count == 0 ? 0 : _rng.Next(data.Count + 1);
                switch (_rng.Next(7))
                {
                    case 0 when data.Count > 0: // flip bits
                        var p = _rng.Next(data.Count);
                        data[p] ^= (byte)(1 << _rng.Next(8));
                        break;
                    case 1 when data.Count > 0: // truncate
                        data.RemoveRange(pos, data.Count - pos);
                        break;
                    case 2: // random bytes
                        var n = 1 + _rng.Next(8);
                        var bytes = new byte[n];
                        _rng.NextBytes(bytes);
                        data.InsertRange(pos, bytes);
                        break;
                    case 3: // token
                        data.InsertRange(pos, Encoding.UTF8.GetBytes(Tokens[_rng.Next(Tokens.Length)]));
                        break;
                    case 4 when data.Count > 0: // delete a range
                        data.RemoveRange(pos == data.Count ? pos - 1 : pos, Math.Min(1 + _rng.Next(32), data.Count - (pos == data.Count ? pos - 1 : pos)));
                        break;
                    case 5 when data.Count > 1: // duplicate a range
                        var start = _rng.Next(data.Count);
                        var len = Math.Min(1 + _rng.Next(64), data.Count - start);
                        data.InsertRange(pos, data.GetRange(start, len));
                        break;
                    default: // overwrite a byte with a boundary value
                        if (data.Count > 0) data[_rng.Next(data.Count)] = (byte)(_rng.Next(2) == 0 ? 0xff : 0x00);
                        break;
                }
            }
            return data.ToArray();
        }
    }

    private static int Run(string name, byte[] seedInput, int seed, Action<byte[]> target)
    {
        var mutator = new Mutator(seed);
        var failures = new List<string>();
        for (var i = 0; i < Iterations; i++)
        {
            var input = mutator.Mutate(seedInput);
            try
            {
                target(input);
            }
            catch (Exception ex)
            {
                if (failures.Count < 3)
                    failures.Add($"{name} iteration {i}: {ex.GetType().Name}: {ex.Message}\ninput (base64, first 3000): {Truncate(Convert.ToBase64String(input))}");
            }
        }
        Assert.True(failures.Count == 0, string.Join("\n\n", failures));
        return Iterations;
    }

    private static string Truncate(string s) => s.Length <= 3000 ? s : s[..3000];

    private static string Utf8(byte[] b) => Encoding.UTF8.GetString(b);

    [Fact]
    public void IdFileReader()
    {
        var seed = OpflexIdFile.Write(new[]
        {
            (1u, ""), (2u, AciFixtures.BdUri), (3u, AciFixtures.FdUri), (4u, "3f1c_veth5a3b1c2d"), (0x7fffffffu, "é"),
        });
        var parsed = 0;
        Run("id file", seed, 1001, b =>
        {
            var r = OpflexIdFile.Parse(b);
            foreach (var (id, key) in r.Map.Entries) _ = r.Map.TryGetId(key, out _) && r.Map.KeyOf(id) is not null;
            if (r.IsValid) parsed++;
        });
        Assert.InRange(parsed, 1, Iterations - 1);
    }

    [Fact]
    public void EndpointFileReader()
    {
        var accepted = 0;
        Run("endpoint", Encoding.UTF8.GetBytes(AciFixtures.Text("a1.ep")), 2002, b =>
        {
            if (EndpointFile.TryParse(Utf8(b), out var ep, out _)) { accepted++; _ = ep.ToJson(); _ = ep.HostInterface; }
        });
        Assert.InRange(accepted, 1, Iterations - 1);
    }

    [Fact]
    public void ServiceFileReader()
    {
        var accepted = 0;
        Run("service", Encoding.UTF8.GetBytes(AciFixtures.Text("kube-dns.service")), 3003, b =>
        {
            if (ServiceFile.TryParse(Utf8(b), out var svc, out _)) { accepted++; _ = svc.ToJson(); }
        });
        Assert.InRange(accepted, 1, Iterations - 1);
    }

    [Fact]
    public void SnatFileReader()
    {
        var accepted = 0;
        Run("snat", Encoding.UTF8.GetBytes(AciFixtures.Text("a1.snat")), 4004, b =>
        {
            if (SnatFile.TryParse(Utf8(b), out var snat, out _)) { accepted++; _ = snat.ToJson(); _ = snat.IsUsedByAgent; }
        });
        Assert.InRange(accepted, 1, Iterations - 1);
    }

    [Fact]
    public void PolicyDumpReader()
    {
        var accepted = 0;
        Run("policy dump", Encoding.UTF8.GetBytes(AciFixtures.Text("policy-dump.json")), 5005, b =>
        {
            if (!PolicyDump.TryParse(Utf8(b), out var dump, out _)) return;
            accepted++;
            _ = dump.EpgByVnid(0x8c8010);
            _ = dump.VnidOfEpg("kube", "kube|app-a");
            foreach (var c in dump.Contracts) _ = c.Rules.Select(r => r.ToString()).ToList();
            foreach (var s in dump.SecurityGroups) _ = s.Rules.Select(r => r.ToString()).ToList();
            _ = dump.FindClassifier(AciFixtures.DnsClassifierUri)?.Describe();
            // The pairwise walk and the writer cost as much as the parse; every 8th accepted dump is enough for them.
            if (accepted % 8 != 0) return;
            foreach (var e in dump.Epgs)
                foreach (var f in dump.Epgs) _ = dump.ContractsBetween(e, f);
            _ = dump.ToJson();
        });
        Assert.InRange(accepted, 1, Iterations - 1);
    }

    [Fact]
    public void PortMapParser()
    {
        var found = 0;
        Run("port map", Encoding.UTF8.GetBytes(AciFixtures.Text("ovs-ofctl-show-br-int-oddname.txt")), 6006, b =>
        {
            var map = OvsPortMap.Parse(Utf8(b));
            foreach (var (port, name) in map.Ports) _ = map.TryGetPort(name, out _) && map.NameOf(port) is not null;
            if (map.NameOf(4) == "pi-veth5a3b1c2d") found++;
        });
        Assert.InRange(found, 1, Iterations);
    }

    [Fact]
    public void ActionDecoder()
    {
        var facts = AciFixtures.NodeA();
        var actions = string.Join("\n", new[]
        {
            "load:0x8c8010->NXM_NX_REG0[]", "write_metadata:0x200/0x300", "move:NXM_NX_REG0[]->NXM_NX_TUN_ID[0..31]",
            "set_field:10.2.0.20->ip_dst", "load:0xa000020->NXM_NX_TUN_IPV4_DST[]", "set_field:0x1->reg6",
        });
        Run("action", Encoding.UTF8.GetBytes(actions), 7007, b =>
        {
            foreach (var line in Utf8(b).Split('\n'))
            {
                _ = AciDecoder.DecodeAction(AciBridge.Integration, line, facts)?.ToString();
                _ = AciDecoder.DecodeAction(AciBridge.Access, line, facts)?.ToString();
            }
        });
    }

    [Fact]
    public void NodeFactsOutput()
    {
        // A real exec of the node-facts script (through kubectl, into the demo lab's host pod of node-a).
        var seed = File.ReadAllBytes(AciFixtures.PathOf("node-facts-output.bin"));
        var complete = 0;
        var withEndpoints = 0;
        Run("node facts", seed, 8008, b =>
        {
            var output = NodeFactsScript.Parse(b);
            var state = NodeFactsLoader.State("node-a", output);
            var files = NodeFactsLoader.Files("node-a", output, withReadWarnings: true);
            Assert.NotNull(state.Warnings);
            _ = state.Snats.Count;
            var facts = NodeFactsLoader.Compose("node-a", state, new[] { files },
                new Dictionary<string, OvsPortMap>(StringComparer.Ordinal));
            if (output.Complete) complete++;
            if (facts.Endpoints.Count > 0) withEndpoints++;
            foreach (var ep in facts.Endpoints) _ = facts.EndpointByIp(ep.Ips.FirstOrDefault() ?? "");
        });
        Assert.InRange(complete, 1, Iterations - 1);
        Assert.InRange(withEndpoints, 1, Iterations);
    }

    [Theory]
    [InlineData("kube-pods.json", 9001)]
    [InlineData("kube-services.json", 9002)]
    [InlineData("kube-endpointslices.json", 9003)]
    [InlineData("kube-networkpolicies.json", 9004)]
    public void KubernetesJsonReaders(string file, int seed)
    {
        // Real `kubectl get <kind> -A -o json` output of the demo lab. Text that is not JSON is kubectl's problem
        // (ClusterInvalidOutput); JSON of any shape must be read without an exception.
        var json = 0;
        Run(file, Encoding.UTF8.GetBytes(AciFixtures.Text(file)), seed, b =>
        {
            JsonDocument doc;
            try
            {
                doc = JsonDocument.Parse(b);
            }
            catch (JsonException)
            {
                return;
            }
            using (doc)
            {
                json++;
                foreach (var item in doc.RootElement.Prop("items").Items().Append(doc.RootElement))
                {
                    var pod = PodInfo.FromJson(item);
                    _ = pod.AddressFor(preferIPv6: true);
                    _ = pod.Key;
                    _ = ServiceInfo.FromJson(item).Key;
                    _ = EndpointSliceInfo.FromJson(item).Endpoints.Count;
                    var np = NetworkPolicyInfo.FromJson(item);
                    _ = np.PodSelector.Matches(pod.Labels);
                    foreach (var rule in np.IngressRules.Concat(np.EgressRules))
                        _ = AciTrace.Explain.NetworkPolicyMatcher.Check(np, rule,
                            new AciTrace.Explain.PolicyPacket(pod, pod, "10.2.0.10", pod, TraceProtocol.Tcp, 80));
                }
            }
        });
        Assert.InRange(json, 1, Iterations - 1);
    }

    [Fact]
    public void KubectlErrorMapper()
    {
        // kubectl's own stderr lines (the mapping tests' cases); every mutation must still map to a typed error.
        string[] seeds =
        [
            "Error from server (NotFound): pods \"nope\" not found\n",
            "Error from server (Forbidden): pods \"aci-containers-host-abcde\" is forbidden: User \"alice\" cannot create resource \"pods/exec\" in API group \"\" in the namespace \"aci-containers-system\"\n",
            "error: unable to upgrade connection: error dialing backend: dial tcp 10.0.176.66:10250: connect: connection refused\n",
            "Unable to connect to the server: dial tcp 10.0.0.1:6443: i/o timeout\n",
            "error: You must be logged in to the server (Unauthorized)\n",
            "command terminated with exit code 2\novs-appctl: br-nope: unknown bridge\n",
            "E1122 10:00:00.000000 1 memcache.go:265] couldn't get current server API group list\nerror: context \"x\" does not exist\n",
        ];
        var context = new KubectlCallContext(KubeResource.Pods, "aci-containers-system", "aci-containers-openvswitch-abcde", "aci-containers-openvswitch",
            ["ovs-appctl", "ofproto/trace", "br-int", "in_port=1"]);
        var classified = 0;
        var i = 0;
        foreach (var seed in seeds)
        {
            Run("kubectl stderr", Encoding.UTF8.GetBytes(seed), 9100 + i++, b =>
            {
                var ex = KubectlErrors.Map(1, Utf8(b), "", context);
                Assert.False(string.IsNullOrWhiteSpace(ex.ErrorId));
                Assert.False(string.IsNullOrWhiteSpace(ex.Message));
                Assert.True(Enum.IsDefined(ex.Kind));
                if (ex.ErrorId != "ClusterCallFailed") classified++;
            });
        }
        Assert.InRange(classified, Iterations, seeds.Length * Iterations - 1);
    }

    [Fact]
    public void RawTraceConverterAndDpifShowPortMaps()
    {
        // ConvertFrom-AciOvsTrace's inputs: captured traces and a captured `ovs-appctl dpif/show`.
        var traces = Path.Combine(AppContext.BaseDirectory, "Fixtures", "Traces");
        var ports = File.ReadAllText(Path.Combine(traces, "_cluster", "nodeA", "dpif-show.txt"));
        var judged = 0;
        Run("dpif/show", Encoding.UTF8.GetBytes(ports), 9201, b =>
        {
            foreach (var (bridge, map) in OvsPortMap.ParseAll(Utf8(b)))
                foreach (var (port, name) in map.Ports) Assert.True(map.TryGetPort(name, out _) && bridge.Length > 0 && map.NameOf(port) is not null);
        });
        var maps = OvsPortMap.ParseAll(ports);
        Run("raw trace", Encoding.UTF8.GetBytes(File.ReadAllText(Path.Combine(traces, "cross-node-egress", "trace.txt"))), 9202, b =>
        {
            var text = Utf8(b);
            var splitter = new RawTraceSplitter();
            var chunks = splitter.Add(text).ToList();
            if (splitter.Finish() is { } last) chunks.Add(last);
            foreach (var chunk in chunks)
            {
                var trace = RawTraceConverter.Convert(chunk, new RawTraceOptions { Node = "nodeA", PortMaps = maps, DestinationPorts = ["veth5a3b1c2d"] });
                if (trace is null) continue;
                Assert.True(Enum.IsDefined(trace.Summary.Verdict));
                Assert.Equal(trace.Passes.Count, trace.Summary.Passes.Count);
                if (trace.Summary.Verdict == TraceVerdict.Forward) judged++;
            }
            _ = FlowFields.SourceAddress(text);
            _ = FlowFields.DestinationPort(text);
        });
        Assert.InRange(judged, 1, Iterations - 1);
    }
}
