using System.Text;
using AciTrace.Aci;

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
}
