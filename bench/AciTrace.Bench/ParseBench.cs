using System.Diagnostics;
using System.Text;
using AciTrace.Judging;
using AciTrace.Ovs;

namespace AciTrace.Bench;

/// <summary>
/// Parse + judge throughput over a trace text of more than 1 MB, built by repeating real OVS 3.1 trace output
/// (lab-feasibility 1.7 A and C shapes: patch crossings, conntrack resume, select group with a nested bridge).
/// </summary>
public static class ParseBench
{
    private const string PatchConntrack = """
Flow: tcp,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
 0. ip,in_port=1,dl_src=02:00:00:00:00:01,nw_src=10.1.0.11, priority 100
    load:0x1->NXM_NX_REG0[]
    goto_table:10
10. ip, priority 100
    set_field:0x5->reg1
    output:100

bridge("br-int")
----------------
 0. ip,in_port=100, priority 100
    load:0x64->NXM_NX_REG6[]
    write_metadata:0x1/0xff
    goto_table:10
10. ip, priority 100
    ct(table=20,zone=NXM_NX_REG6[0..15])
    drop
     -> A clone of the packet is forked to recirculate. The forked pipeline will be resumed at table 20.
     -> Sets the packet to an untracked state, and clears all the conntrack fields.

Final flow: tcp,reg0=0x1,reg1=0x5,in_port=1,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0
Megaflow: recirc_id=0,eth,tcp,in_port=1,dl_src=02:00:00:00:00:01,nw_src=10.1.0.11,nw_frag=no,tp_dst=0x40/0xffc0
Datapath actions: ct(zone=100),recirc(0x1)

===============================================================================
recirc(0x1) - resume conntrack with default ct_state=trk|new (use --ct-next to customize)
===============================================================================

Flow: recirc_id=0x1,ct_state=new|trk,ct_zone=100,eth,tcp,reg6=0x64,metadata=0x1,in_port=100,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0

bridge("br-access")
-------------------
    thaw
        Resuming from table 20
20. ct_state=+new+trk,ip, priority 100
    ct(commit,zone=NXM_NX_REG6[0..15])
    drop
     -> Sets the packet to an untracked state, and clears all the conntrack fields.
    goto_table:30
30. ip, priority 100
    goto_table:40
40. ip,nw_dst=10.1.0.0/24, priority 100
    load:0x64->NXM_NX_REG7[]
    resubmit(,50)
50. reg7=0x64,in_port=100, priority 110
    IN_PORT

bridge("br-access")
-------------------
 0. ip,in_port=100,nw_dst=10.1.0.12, priority 100
    output:2

Final flow: recirc_id=0x1,eth,tcp,reg6=0x64,reg7=0x64,metadata=0x1,in_port=100,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:02,nw_src=10.1.0.11,nw_dst=10.1.0.12,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=0,tp_dst=80,tcp_flags=0
Megaflow: recirc_id=0x1,ct_state=+new+trk,eth,ip,in_port=100,nw_dst=10.1.0.12,nw_frag=no
Datapath actions: ct(commit,zone=100),2
""";

    private const string SelectGroupResume = """

===============================================================================
recirc(0x3) - resume conntrack with ct_state=est|trk
===============================================================================

Flow: recirc_id=0x3,ct_state=est|trk,ct_zone=100,eth,tcp,reg6=0x64,metadata=0x1,in_port=100,vlan_tci=0x0000,dl_src=02:00:00:00:00:01,dl_dst=02:00:00:00:00:99,nw_src=10.1.0.11,nw_dst=10.96.0.10,nw_tos=0,nw_ecn=0,nw_ttl=0,nw_frag=no,tp_src=33333,tp_dst=80,tcp_flags=0

bridge("br-int")
----------------
    thaw
        Resuming from table 20
20. ct_state=+est+trk,ip, priority 100
    goto_table:30
30. tcp,nw_dst=10.96.0.10,tp_dst=80, priority 200
    group:1
     -> bucket 0: score 5478900
     -> bucket 1: score 2722700
     -> using bucket 0
    bucket 0
            set_field:10.1.0.12->ip_dst
            resubmit(,40)
        40. ip,nw_dst=10.1.0.0/24, priority 100
            load:0x64->NXM_NX_REG7[]
            resubmit(,50)
        50. reg7=0x64,in_port=100, priority 110
            IN_PORT

        bridge("br-access")
        -------------------
         0. ip,in_port=100,nw_dst=10.1.0.12, priority 100
            output:2

Final flow: unchanged
Megaflow: recirc_id=0x3,ct_state=-new+est+trk,eth,tcp,in_port=100,nw_src=10.1.0.11,nw_dst=10.96.0.10,nw_frag=no,tp_dst=80
Datapath actions: set(ipv4(dst=10.1.0.12)),2
""";

    public static int Run(string[] args)
    {
        // One unit = a whole trace, as the tool sees it; the big text concatenates many of them.
        string unit = PatchConntrack + "\n" + SelectGroupResume + "\n";
        var sb = new StringBuilder();
        while (sb.Length < 1_100_000) sb.Append(unit);
        string big = sb.ToString();
        long bytes = Encoding.UTF8.GetByteCount(big);
        var ctx = JudgeContext.Empty
            .With("br-access", new BridgePorts { DestinationPorts = new HashSet<int> { 2 }, PatchPorts = new Dictionary<int, string> { [100] = "br-int" } })
            .With("br-int", new BridgePorts { PatchPorts = new Dictionary<int, string> { [100] = "br-access" } });

        // Sanity: the single unit judges as delivered, the big text parses into many passes.
        var one = TraceJudge.Judge(OvsTraceParser.Parse(unit), ctx);
        var parsed = OvsTraceParser.Parse(big);
        Console.WriteLine($"unit verdict: {one.Verdict}; big text: {bytes / 1024.0 / 1024.0:F2} MB, {parsed.Passes.Count} passes, {parsed.Passes.Sum(p => p.Hops.Count)} hops");

        for (int i = 0; i < 40; i++) TraceJudge.Judge(OvsTraceParser.Parse(big), ctx); // warm-up (lets tiered JIT promote the hot paths)

        Measure("parse only (1 MB text)", bytes, () => OvsTraceParser.Parse(big));
        Measure("parse + judge (1 MB text)", bytes, () => TraceJudge.Judge(OvsTraceParser.Parse(big), ctx));
        var parsedBig = OvsTraceParser.Parse(big);
        var actions = parsedBig.Passes.SelectMany(p => p.Hops).SelectMany(h => h.Actions).Select(a => a.Text).ToList();
        var cookies = parsedBig.Passes.SelectMany(p => p.Hops).Select(h => h.Cookie ?? 0).ToList();
        var facts0 = new AciTrace.Aci.NodeFacts();
        Measure("decode actions only (1 MB text)", bytes, () => { foreach (var a in actions) AciTrace.Aci.AciDecoder.DecodeAction(AciTrace.AciBridge.Integration, a, facts0); });
        Measure("describe cookies only (1 MB text)", bytes, () => { foreach (var c in cookies) AciTrace.Aci.AciDecoder.DescribeCookie(c, facts0); });
        var leg = new AciTrace.Engine.LegContext("bench", AciTrace.TraceDirection.Request, 1, "node-a", new AciTrace.Aci.NodeFacts());
        Measure("parse + judge + decode (1 MB text)", bytes, () =>
        {
            var parsed = OvsTraceParser.Parse(big);
            AciTrace.Engine.TraceAssembler.Assemble(leg, parsed, TraceJudge.Judge(parsed, ctx));
        });
        long unitBytes = Encoding.UTF8.GetByteCount(unit);
        Measure("parse + judge (one 6 KB trace)", unitBytes, () => TraceJudge.Judge(OvsTraceParser.Parse(unit), ctx));
        return 0;
    }

    /// <summary>
    /// Prints throughput per wall-clock second and per CPU second of this process. The CPU figure is the one to compare
    /// on a shared, loaded machine: it does not count time the process spent waiting for a core.
    /// </summary>
    private static void Measure(string name, long bytes, Action action)
    {
        var process = Process.GetCurrentProcess();
        process.Refresh();
        TimeSpan cpu0 = process.TotalProcessorTime;
        var sw = Stopwatch.StartNew();
        long iterations = 0;
        while (sw.Elapsed < TimeSpan.FromSeconds(3))
        {
            action();
            iterations++;
        }
        sw.Stop();
        process.Refresh();
        double cpuSeconds = (process.TotalProcessorTime - cpu0).TotalSeconds;
        double mb = bytes * (double)iterations / (1024 * 1024);
        double usPerOp = sw.Elapsed.TotalMilliseconds * 1000 / iterations;
        Console.WriteLine($"{name,-32} {mb / sw.Elapsed.TotalSeconds,8:F1} MB/s wall  {mb / cpuSeconds,8:F1} MB/s per CPU-second  {usPerOp,9:F1} us/op ({iterations} ops)");
    }
}
