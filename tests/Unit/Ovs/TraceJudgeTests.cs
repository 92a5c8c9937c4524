using System.Text.Json;
using AciTrace.Judging;
using AciTrace.Ovs;

namespace AciTrace.Tests.Unit.Ovs;

public class TraceJudgeTests
{
    // Topology of lab-feasibility 1.5: br-access pod-a1=1, pod-a2=2, patch 100; br-int patch 100, vxlan0 200, pod-i1 11.
    private static JudgeContext Lab(params int[] destinationOnAccess) => new()
    {
        Bridges = new Dictionary<string, BridgePorts>
        {
            ["br-access"] = new() { DestinationPorts = new HashSet<int>(destinationOnAccess), PatchPorts = new Dictionary<int, string> { [100] = "br-int" } },
            ["br-int"] = new() { PatchPorts = new Dictionary<int, string> { [100] = "br-access" }, TunnelPorts = new HashSet<int> { 200 } },
        },
    };

    // The parser sandbox: br-access veth1=2, pa-1=3, veth2=4; br-int pi-1=4, eth1=1, vxlan0=2.
    private static JudgeContext Sandbox(params int[] destinationOnAccess) => new()
    {
        Bridges = new Dictionary<string, BridgePorts>
        {
            ["br-access"] = new() { DestinationPorts = new HashSet<int>(destinationOnAccess), PatchPorts = new Dictionary<int, string> { [3] = "br-int" } },
            ["br-int"] = new()
            {
                PatchPorts = new Dictionary<int, string> { [4] = "br-access" },
                TunnelPorts = new HashSet<int> { 2 },
                UplinkPorts = new HashSet<int> { 1 },
            },
        },
    };

    // opflex-pipeline §4.0 node A: br-access pa- ports 3/5/7; br-int eth1=1, vxlan0=2, gen1=3, pi- ports 4/5/6.
    private static JudgeContext NodeA(params int[] destinationOnAccess) => new()
    {
        Bridges = new Dictionary<string, BridgePorts>
        {
            ["br-access"] = new()
            {
                DestinationPorts = new HashSet<int>(destinationOnAccess),
                PatchPorts = new Dictionary<int, string> { [3] = "br-int", [5] = "br-int", [7] = "br-int" },
            },
            ["br-int"] = new()
            {
                PatchPorts = new Dictionary<int, string> { [4] = "br-access", [5] = "br-access", [6] = "br-access" },
                TunnelPorts = new HashSet<int> { 2 },
                UplinkPorts = new HashSet<int> { 1 },
            },
        },
    };

    private static JudgeContext NodeB(params int[] destinationOnAccess) => new()
    {
        Bridges = new Dictionary<string, BridgePorts>
        {
            ["br-access"] = new() { DestinationPorts = new HashSet<int>(destinationOnAccess), PatchPorts = new Dictionary<int, string> { [3] = "br-int" } },
            ["br-int"] = new() { PatchPorts = new Dictionary<int, string> { [4] = "br-access" }, TunnelPorts = new HashSet<int> { 2 }, UplinkPorts = new HashSet<int> { 1 } },
        },
    };

    private static TraceJudgement J(string text, JudgeContext? ctx = null) => TraceJudge.Judge(OvsTraceParser.Parse(text), ctx);

    [Fact]
    public void SameNodeThroughConntrack_DeliveredToDestinationPort()
    {
        var j = J(ParserSamples.LabA_PatchConntrackSameNode, Lab(2));
        Assert.Equal(TraceVerdict.Deliver, j.Verdict);
        Assert.Equal(3, j.DecisivePass!.PassIndex);
        Assert.Equal(2, j.DecisivePass.OutPort);
        Assert.Equal(new[] { TraceVerdict.Forward, TraceVerdict.Deliver, TraceVerdict.Forward, TraceVerdict.Deliver }, j.Passes.Select(p => p.Verdict));
        Assert.Equal(OutputKind.PatchPort, j.Passes[0].OutputKind);
        Assert.Equal("br-int", j.Passes[0].PeerBridge);
        Assert.True(j.Passes[1].IsConntrackFork);
        Assert.Contains("continued in pass 3", j.Passes[1].Reason);
        Assert.Equal(OutputKind.PatchPort, j.Passes[2].OutputKind); // IN_PORT back out of the patch port 100
        Assert.Equal(100, j.Passes[2].OutPort);
        Assert.Null(j.FirstDrop);
    }

    [Fact]
    public void WithoutPortFacts_OutputToAPlainPortIsNeverSuccess()
    {
        var j = J(ParserSamples.LabA_PatchConntrackSameNode, JudgeContext.Empty);
        Assert.Equal(TraceVerdict.Unknown, j.Verdict);
        Assert.Contains("role is unknown", j.Reason);
        // Patch crossings are still recognised from the trace itself.
        Assert.Equal(OutputKind.PatchPort, j.Passes[0].OutputKind);
    }

    [Fact]
    public void OutputToAnotherPodsPort_IsNotDelivery()
    {
        var j = J(ParserAciSamples.SameNodeAllowed, NodeA(4));
        Assert.Equal(TraceVerdict.Unknown, j.Verdict);
        Assert.Equal(OutputKind.OtherPort, j.DecisivePass!.OutputKind);
        Assert.Equal(6, j.DecisivePass.OutPort);
        Assert.Contains("output to port 6 in table 8, which is not the destination's port", j.Reason);
    }

    [Fact]
    public void AciSameNodeAllowed_Delivered()
    {
        var j = J(ParserAciSamples.SameNodeAllowed, NodeA(6));
        Assert.Equal(TraceVerdict.Deliver, j.Verdict);
        Assert.Equal(new[] { TraceVerdict.Forward, TraceVerdict.Forward, TraceVerdict.Deliver }, j.Passes.Select(p => p.Verdict));
        Assert.Equal(new int?[] { 3, 6, 6 }, j.Passes.Select(p => p.OutPort));
        Assert.Equal("br-access", j.Passes[1].PeerBridge);
    }

    [Fact]
    public void TunnelAfterResume_ForwardedWithTunnelFields()
    {
        var j = J(ParserSamples.LabB_KernelTunnelAfterResume, Lab(2));
        Assert.Equal(TraceVerdict.Forward, j.Verdict);
        Assert.Equal(OutputKind.Tunnel, j.DecisivePass!.OutputKind);
        Assert.Equal(200, j.DecisivePass.OutPort);
        Assert.Equal("0x64", j.TunnelId);
        Assert.Equal("192.168.50.2", j.TunnelDestination);
    }

    [Fact]
    public void KernelTunnelDetail_IsATunnelEvenWithoutPortFacts()
    {
        var j = J(ParserSamples.KernelTunnelOut);
        Assert.Equal(TraceVerdict.Forward, j.Verdict);
        Assert.Equal(OutputKind.Tunnel, j.DecisivePass!.OutputKind);
        Assert.Equal("0x8c8010", j.TunnelId);
        Assert.Equal("10.0.0.32", j.TunnelDestination);
        Assert.Contains("tun_id 0x8c8010 to 10.0.0.32", j.Reason);
    }

    [Fact]
    public void SelectGroupWithNestedBridge_DeliveredAndDnatSeen()
    {
        var j = J(ParserSamples.LabC_SelectGroupNestedBridge, Lab(2));
        Assert.Equal(TraceVerdict.Deliver, j.Verdict);
        Assert.Equal(2, j.DecisivePass!.PassIndex);
        Assert.Equal("10.1.0.12", j.DnatAddress);
    }

    [Fact]
    public void FromTunnel_DeliveredToLocalPod()
    {
        var j = J(ParserSamples.LabD_FromTunnel, Lab(1));
        Assert.Equal(TraceVerdict.Deliver, j.Verdict);
        Assert.Equal(1, j.DecisivePass!.OutPort);
    }

    [Fact]
    public void ExplicitDropOutsideDropTable_IsADrop()
    {
        var j = J(ParserSamples.LabE_ExplicitDrop, Lab(2));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal(DropKind.DropAction, j.FirstDrop!.DropKind);
        Assert.Equal(10, j.FirstDrop.DropTable);
        Assert.Equal("explicit drop action in table 10", j.Reason);
    }

    [Fact]
    public void InvalidConntrackState_DropInResumedPass()
    {
        var j = J(ParserSamples.LabG_CtInvalidDrop, Lab(2));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal(1, j.FirstDrop!.PassIndex);
        Assert.Equal(20, j.FirstDrop.DropTable);
        Assert.Equal(TraceVerdict.Drop, j.Passes[0].Verdict); // the fork pass takes its continuation's verdict
        Assert.Null(j.Passes[0].DropTable);
    }

    [Fact]
    public void NoMatch_IsATableMissDrop()
    {
        var j = J(ParserSamples.NoMatch, Sandbox(4));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal((DropKind.TableMiss, 7), (j.FirstDrop!.DropKind, j.FirstDrop.DropTable!.Value));
        Assert.Equal("table 7 had no matching flow", j.Reason);
    }

    [Fact]
    public void InternalMissRuleOnBrInt_IsATableMissNotTheDropTable()
    {
        var j = J(ParserSamples.NestedResubmitMissRule, Sandbox(4));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal("br-int", j.FirstDrop!.Bridge);
        Assert.Equal((DropKind.TableMiss, 2), (j.FirstDrop.DropKind, j.FirstDrop.DropTable!.Value));
    }

    [Fact]
    public void NestedMissFollowedByTopLevelMiss_ReportsTheTopLevelOne()
    {
        var j = J(ParserSamples.NestedNoMatch, Sandbox(4));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal(5, j.FirstDrop!.DropTable);
    }

    [Fact]
    public void GotoDropTable15_DropTableIsTheJumper()
    {
        var j = J(ParserSamples.PolicyDropTable15, Sandbox(4));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal((DropKind.ExplicitDropTable, 12), (j.FirstDrop!.DropKind, j.FirstDrop.DropTable!.Value));
        Assert.Equal("dropped: table 12 sent the packet to the drop table 15", j.Reason);
    }

    [Fact]
    public void AciNoContract_PolicyTableDropsThroughTable15()
    {
        var j = J(ParserAciSamples.NoContract, NodeA(4));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal("br-int", j.FirstDrop!.Bridge);
        Assert.Equal((DropKind.ExplicitDropTable, 12), (j.FirstDrop.DropKind, j.FirstDrop.DropTable!.Value));
        Assert.Equal(TraceVerdict.Forward, j.Passes[0].Verdict);
    }

    [Fact]
    public void AciIngressDenied_ResumedPassUsesBrAccessDropTable()
    {
        var j = J(ParserAciSamples.NodeBIngressDenied, NodeB(2));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal(2, j.FirstDrop!.PassIndex);
        Assert.Equal("br-access", j.FirstDrop.Bridge);
        Assert.Equal((DropKind.ExplicitDropTable, 4), (j.FirstDrop.DropKind, j.FirstDrop.DropTable!.Value));
        Assert.Equal(TraceVerdict.Drop, j.Passes[1].Verdict);
        Assert.True(j.Passes[1].IsConntrackFork);
    }

    [Fact]
    public void AciIngressAllowed_DeliveredAfterResume()
    {
        var j = J(ParserAciSamples.NodeBIngressAllowed, NodeB(2));
        Assert.Equal(TraceVerdict.Deliver, j.Verdict);
        Assert.Equal(2, j.DecisivePass!.PassIndex);
        Assert.Equal("br-access", j.DecisivePass.Bridge);
        Assert.Equal(new[] { TraceVerdict.Forward, TraceVerdict.Deliver, TraceVerdict.Deliver }, j.Passes.Select(p => p.Verdict));
    }

    [Fact]
    public void AciEgressDenied_DropTable6()
    {
        var j = J(ParserAciSamples.EgressDenied, NodeA(6));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal(("br-access", 6), (j.FirstDrop!.Bridge, j.FirstDrop.DropTable!.Value));
        Assert.Equal(DropKind.ExplicitDropTable, j.FirstDrop.DropKind);
    }

    [Fact]
    public void AciPolicyAppliedBlock_ExplicitDropInTable12()
    {
        var j = J(ParserAciSamples.PolicyAppliedBlock, NodeA(2));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal((DropKind.DropAction, 12), (j.FirstDrop!.DropKind, j.FirstDrop.DropTable!.Value));
    }

    [Fact]
    public void AciServiceDnat_DeliveredWithBackendAndCtMark()
    {
        var j = J(ParserAciSamples.ServiceDnatLocal, NodeA(6));
        Assert.Equal(TraceVerdict.Deliver, j.Verdict);
        Assert.Equal("10.2.0.20", j.DnatAddress);
        Assert.Equal("0x1", j.ServiceCtMark);
        Assert.Null(j.SnatAddress);
        Assert.False(j.Passes[1].IsConntrackFork); // ct(commit) without table= does not recirculate
    }

    [Fact]
    public void AciDnsReply_SnoopedToControllerButDelivered()
    {
        var j = J(ParserAciSamples.DnsReplyWithSnooping, NodeA(2));
        Assert.Equal(TraceVerdict.Deliver, j.Verdict);
        Assert.True(j.Punted);
        Assert.True(j.Passes[1].Punted);
        Assert.Null(j.SnatAddress); // table 4 un-DNAT is not SNAT
    }

    [Fact]
    public void AciSnat_ForwardedOutTheUplinkWithSnatAddress()
    {
        var j = J(ParserAciSamples.SnatEgress, NodeA(6));
        Assert.Equal(TraceVerdict.Forward, j.Verdict);
        Assert.Equal((OutputKind.Uplink, 1), (j.DecisivePass!.OutputKind, j.DecisivePass.OutPort!.Value));
        Assert.Equal("172.28.184.10", j.SnatAddress);
        Assert.Equal("172.28.184.10", j.Passes[1].SnatAddress);
    }

    [Fact]
    public void ControllerOnly_IsAPunt()
    {
        var j = J(ParserSamples.ControllerOnly, Sandbox(4));
        Assert.Equal(TraceVerdict.Punt, j.Verdict);
        Assert.Equal(OutputKind.Controller, j.DecisivePass!.OutputKind);
        Assert.True(j.Punted);
    }

    [Fact]
    public void ControllerThenNonexistentPort_IsAPunt()
    {
        var j = J(ParserSamples.ControllerNonexistentPort, Sandbox(4));
        Assert.Equal(TraceVerdict.Punt, j.Verdict);
    }

    [Fact]
    public void NonexistentOutputPort_IsAnOutputFailure()
    {
        string text = ParserSamples.ControllerNonexistentPort.Replace("    CONTROLLER:65535\n", "");
        text = text.Replace("userspace(pid=0,controller(reason=1,dont_send=1,continuation=0,recirc_id=1,rule_cookie=0,controller_id=0,max_len=65535))", "drop");
        var j = J(text, Sandbox(4));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal((DropKind.OutputFailed, 8), (j.FirstDrop!.DropKind, j.FirstDrop.DropTable!.Value));
        Assert.Contains("Nonexistent output port", j.Reason);
    }

    [Fact]
    public void OutputToInputPort_IsSkippedAndDropped()
    {
        var j = J(ParserSamples.SkipInputPort, Sandbox(2));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal((DropKind.SkippedOutputToInputPort, 0), (j.FirstDrop!.DropKind, j.FirstDrop.DropTable!.Value));
        Assert.Equal("output to the input port 2 was skipped in table 0", j.Reason);
    }

    [Fact]
    public void NativeTunnelRoutingFailed_IsATunnelFailure()
    {
        var j = J(ParserSamples.CloneNativeTunnelFail, Sandbox());
        var intPass = j.Passes[1];
        Assert.Equal(TraceVerdict.Drop, intPass.Verdict);
        Assert.Equal(DropKind.TunnelFailure, intPass.DropKind);
        Assert.Contains("native tunnel routing failed", intPass.Reason);
        Assert.NotEqual(TraceVerdict.Forward, j.Verdict);
    }

    [Fact]
    public void TunnelToOwnAddress_IsATunnelFailure()
    {
        var j = J(ParserSamples.TunnelNoDst, Sandbox());
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal(DropKind.TunnelFailure, j.FirstDrop!.DropKind);
    }

    [Fact]
    public void GroupAll_OneBucketDeliversWhileAnotherIsSkipped()
    {
        var j = J(ParserSamples.GroupAllNestedBridge, Sandbox(4));
        Assert.Equal(TraceVerdict.Deliver, j.Verdict);
        Assert.Equal(0, j.DecisivePass!.PassIndex);
        Assert.Equal(TraceVerdict.Drop, j.Passes[1].Verdict);
        Assert.Equal(DropKind.SkippedOutputToInputPort, j.Passes[1].DropKind);
    }

    [Fact]
    public void DoubleRecirculation_VerdictComesFromTheLastContinuation()
    {
        var j = J(ParserSamples.DoubleRecircNat, Sandbox(4));
        Assert.Equal(TraceVerdict.Deliver, j.Verdict);
        Assert.Equal(3, j.DecisivePass!.PassIndex);
        Assert.True(j.Passes[0].IsConntrackFork);
        Assert.True(j.Passes[1].IsConntrackFork);
        Assert.Equal(TraceVerdict.Deliver, j.Passes[0].Verdict);
        Assert.Equal(OutputKind.PatchPort, j.Passes[2].OutputKind);
    }

    [Fact]
    public void CtExec_CtMarkFromExecLoad()
    {
        var j = J(ParserSamples.CtExecClone, Sandbox(4));
        Assert.Equal(TraceVerdict.Deliver, j.Verdict);
        Assert.Equal("0x1", j.ServiceCtMark);
    }

    [Theory]
    [InlineData(nameof(ParserSamples.ErrUnknownBridge))]
    [InlineData(nameof(ParserSamples.ErrPrereq))]
    public void OvsError_IsUnknownWithTheError(string sample)
    {
        string text = (string)typeof(ParserSamples).GetField(sample)!.GetValue(null)!;
        var j = J(text, Lab(2));
        Assert.Equal(TraceVerdict.Unknown, j.Verdict);
        Assert.NotNull(j.Error);
        Assert.StartsWith("OVS error: ", j.Reason);
    }

    [Fact]
    public void EmptyOutput_IsUnknown()
    {
        var j = J("", Lab(2));
        Assert.Equal(TraceVerdict.Unknown, j.Verdict);
        Assert.Empty(j.Passes);
    }

    [Fact]
    public void DatapathDrop_OverridesAnApparentDelivery()
    {
        const string text = "bridge(\"br-access\")\n-------------------\n 0. priority 0\n    output:5\n\nFinal flow: unchanged\nMegaflow: recirc_id=0,eth,in_port=1\nDatapath actions: drop\n";
        var j = J(text, Lab(5));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal(DropKind.DatapathDrop, j.FirstDrop!.DropKind);
    }

    [Fact]
    public void DatapathDrop_WithoutPipelineReason()
    {
        const string text = "bridge(\"br-int\")\n----------------\n 0. priority 0\n    goto_table:3\n\nDatapath actions: drop\n";
        var j = J(text);
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal((DropKind.DatapathDrop, 0), (j.FirstDrop!.DropKind, j.FirstDrop.DropTable!.Value));
    }

    [Fact]
    public void TruncatedAfterFork_IsUnknown()
    {
        string text = ParserSamples.LabG_CtInvalidDrop[..ParserSamples.LabG_CtInvalidDrop.IndexOf("=====", StringComparison.Ordinal)];
        var j = J(text, Lab(2));
        Assert.Equal(TraceVerdict.Unknown, j.Verdict);
        Assert.Contains("no resumed section", j.Passes[0].Reason);
    }

    [Fact]
    public void TranslationFailed_IsADrop()
    {
        const string text = "bridge(\"br-int\")\n----------------\n 0. priority 0\n    resubmit(,0)\n\nTranslation failed (Recursion too deep), packet is dropped.\nDatapath actions: drop\n";
        var j = J(text);
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal(DropKind.TranslationFailed, j.FirstDrop!.DropKind);
    }

    [Fact]
    public void DropLogExportOutputInDropTable_IsStillADrop()
    {
        string text = ParserAciSamples.NoContract.Replace("15. reg0=0x2, priority 0\n    drop\n",
            "15. metadata=0x800/0x800, priority 1\n    load:0xc0a80102->NXM_NX_TUN_IPV4_DST[]\n    output:3\n");
        var j = J(text, NodeA(4));
        Assert.Equal(TraceVerdict.Drop, j.Verdict);
        Assert.Equal(12, j.FirstDrop!.DropTable);
        Assert.Null(j.TunnelDestination);
    }

    [Fact]
    public void DropTableOverride_ForOtherBridgeNames()
    {
        string text = ParserSamples.PolicyDropTable15.Replace("bridge(\"br-int\")", "bridge(\"br-x\")");
        Assert.Equal(DropKind.TableMiss, J(text).FirstDrop!.DropKind);
        var ctx = JudgeContext.Empty.With("br-x", new BridgePorts { DropTable = 15 });
        Assert.Equal(DropKind.ExplicitDropTable, J(text, ctx).FirstDrop!.DropKind);
    }

    [Fact]
    public void StringOverload_ParsesAndJudges()
    {
        Assert.Equal(TraceVerdict.Drop, TraceJudge.Judge(ParserSamples.LabE_ExplicitDrop).Verdict);
    }
}
