using System.Reflection;
using System.Text;
using AciTrace.Judging;
using AciTrace.Ovs;

namespace AciTrace.Tests.Unit.Ovs;

public class ParserFuzzTests
{
    /// <summary>Every sample text: the synthetic ones (fields), the ACI samples (properties) and every captured fixture trace.</summary>
    internal static IReadOnlyList<string> AllSamples()
    {
        var list = new List<string>();
        foreach (var type in new[] { typeof(ParserSamples), typeof(ParserAciSamples) })
        {
            foreach (var f in type.GetFields(BindingFlags.Public | BindingFlags.Static))
                if (f.FieldType == typeof(string)) list.Add((string)f.GetValue(null)!);
            foreach (var p in type.GetProperties(BindingFlags.Public | BindingFlags.Static))
                if (p.PropertyType == typeof(string)) list.Add((string)p.GetValue(null)!);
        }
        list.AddRange(Directory.GetFiles(ClusterFixtureFiles.TracesDirectory, "trace.txt", SearchOption.AllDirectories).Select(File.ReadAllText));
        return list.Distinct().ToList();
    }

    [Fact]
    public void TheCorpusHoldsTheCapturedAciTraces()
    {
        var samples = AllSamples();
        Assert.Contains(ParserAciSamples.NoContract, samples);
        Assert.True(samples.Count(s => s.Contains("bridge(\"br-int\")", StringComparison.Ordinal)) >= 25, "the captured fixture traces are missing from the corpus");
    }

    private static readonly string[] Junk =
    {
        "bridge(\"", "bridge(\"br-int\")", "recirc(0x", "recirc(0x9) - resume conntrack with ct_state=", "===", "-> output port is ",
        ">> ", "Resuming from table ", "thaw", "No match.", ", priority ", ", cookie 0x", "ct(", "clone(", "exec(", ")", "(",
        "Datapath actions: ", "Final flow: ", "Flow: ", "99999999999999999999. ", "-1. ", "\t", "\r", "\0", "\u00e9", "\uFFFF",
        "output:", "output:99999999999", "IN_PORT", "goto_table:15", "goto_table:9", "load:0x->NXM_NX_TUN_IPV4_DST[]",
        "set_field:->tun_dst", "nat(src=", "set(tunnel(tun_id=", "     ", "\n", "forked to recirculate. The forked pipeline will be resumed at table ",
    };

    private static string Mutate(string sample, Random rng)
    {
        var lines = new List<string>(sample.Split('\n'));
        int ops = 1 + rng.Next(4);
        for (int k = 0; k < ops && lines.Count > 0; k++)
        {
            int i = rng.Next(lines.Count);
            switch (rng.Next(10))
            {
                case 0: lines.RemoveAt(i); break;
                case 1: lines.Insert(i, lines[rng.Next(lines.Count)]); break;
                case 2:
                    int j = rng.Next(lines.Count);
                    (lines[i], lines[j]) = (lines[j], lines[i]);
                    break;
                case 3:
                    if (lines[i].Length > 0) lines[i] = lines[i][..rng.Next(lines[i].Length)];
                    break;
                case 4:
                    var sb = new StringBuilder(lines[i]);
                    int n = 1 + rng.Next(8);
                    for (int b = 0; b < n; b++) sb.Insert(rng.Next(sb.Length + 1), (char)rng.Next(0, 0x3000));
                    lines[i] = sb.ToString();
                    break;
                case 5: lines[i] = new string(' ', rng.Next(17)) + lines[i].TrimStart(); break;
                case 6: lines.Insert(i, Junk[rng.Next(Junk.Length)] + (rng.Next(2) == 0 ? rng.Next(300).ToString(System.Globalization.CultureInfo.InvariantCulture) : "")); break;
                case 7: lines[i] = lines[i] + Junk[rng.Next(Junk.Length)]; break;
                case 8: lines.RemoveRange(i, lines.Count - i); break; // truncate the rest
                default:
                    var digits = lines[i].ToCharArray();
                    for (int c = 0; c < digits.Length; c++)
                        if (char.IsAsciiDigit(digits[c]) && rng.Next(3) == 0) digits[c] = (char)('0' + rng.Next(10));
                    lines[i] = new string(digits);
                    break;
            }
        }
        return string.Join(rng.Next(5) == 0 ? "\r\n" : "\n", lines);
    }

    private static void CheckInvariants(string text, JudgeContext ctx)
    {
        var t = OvsTraceParser.Parse(text);
        Assert.Same(text, t.RawText);
        Assert.False(t.Error?.StartsWith(OvsTraceParser.InternalErrorPrefix, StringComparison.Ordinal) ?? false, t.Error);
        for (int i = 0; i < t.Passes.Count; i++)
        {
            var p = t.Passes[i];
            Assert.Equal(i, p.Index);
            Assert.True(p.PreviousIndex is null || (p.PreviousIndex >= 0 && p.PreviousIndex < i));
            Assert.True(p.Depth >= 0);
            Assert.NotNull(p.Bridge);
            foreach (var h in p.Hops)
            {
                Assert.True(h.Table >= 0);
                Assert.True(h.Depth >= 0);
                Assert.Equal(h.IsTableMiss, h.MissForm != MissForm.None);
            }
        }
        var j = TraceJudge.Judge(t, ctx);
        Assert.Equal(t.Passes.Count, j.Passes.Count);
        Assert.True(Enum.IsDefined(j.Verdict));
        Assert.True(j.Verdict != TraceVerdict.Drop || j.FirstDrop is not null);
        if (t.Error is not null || t.Passes.Count == 0) Assert.Equal(TraceVerdict.Unknown, j.Verdict);
    }

    [Fact]
    public void MutatedRealTraces_NeverThrowAndKeepInvariants()
    {
        var samples = AllSamples();
        var rng = new Random(20260731);
        var ctx = JudgeContext.Empty
            .With("br-access", new BridgePorts { DestinationPorts = new HashSet<int> { 2, 4, 6 }, PatchPorts = new Dictionary<int, string> { [3] = "br-int", [100] = "br-int" } })
            .With("br-int", new BridgePorts { TunnelPorts = new HashSet<int> { 2, 200 }, UplinkPorts = new HashSet<int> { 1 } });
        const int runs = 12_000;
        for (int r = 0; r < runs; r++)
        {
            string text = Mutate(samples[rng.Next(samples.Count)], rng);
            if (rng.Next(20) == 0) text += "\n" + samples[rng.Next(samples.Count)];
            CheckInvariants(text, ctx);
        }
    }

    [Fact]
    public void RandomBytesAndPrefixes_NeverThrow()
    {
        var rng = new Random(7);
        var samples = AllSamples();
        for (int r = 0; r < 2_000; r++)
        {
            var chars = new char[rng.Next(400)];
            for (int i = 0; i < chars.Length; i++) chars[i] = (char)rng.Next(0, 0x10000);
            CheckInvariants(new string(chars), JudgeContext.Empty);
            string s = samples[rng.Next(samples.Count)];
            CheckInvariants(s[..rng.Next(s.Length + 1)], JudgeContext.Empty);
        }
    }
}
