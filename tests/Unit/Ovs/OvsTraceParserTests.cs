using AciTrace.Ovs;

namespace AciTrace.Tests.Unit.Ovs;

public class OvsTraceParserTests
{
    private static string[] Bridges(ParsedTrace t) => t.Passes.Select(p => p.Bridge).ToArray();
    private static int[] Tables(ParsedPass p) => p.Hops.Select(h => h.Table).ToArray();
    private static string[] TopActions(ParsedHop h) => h.Actions.Select(a => a.Text).ToArray();

    [Fact]
    public void PatchAndConntrack_SplitsIntoFourPassesWithRealBridges()
    {
        var t = OvsTraceParser.Parse(ParserSamples.LabA_PatchConntrackSameNode);
        Assert.Null(t.Error);
        Assert.Equal(new[] { "br-access", "br-int", "br-int", "br-access" }, Bridges(t));
        Assert.Equal(new[] { "br-access", "br-int", "br-access", "br-access" }, t.Passes.Select(p => p.LabelledBridge));
        Assert.Equal(new[] { false, true, false, true }, t.Passes.Select(p => p.EnteredThroughPatch));
        Assert.Equal(new int?[] { null, 0, 1, 2 }, t.Passes.Select(p => p.PreviousIndex));
        Assert.All(t.Passes, p => Assert.Equal(0, p.Depth));
    }

    [Fact]
    public void PatchAndConntrack_ResumeBannerFieldsAreRecorded()
    {
        var t = OvsTraceParser.Parse(ParserSamples.LabA_PatchConntrackSameNode);
        var resume = t.Passes[2];
        Assert.True(resume.IsResume);
        Assert.Equal("0x1", resume.RecircId);
        Assert.Equal(20, resume.ResumeTable);
        Assert.Equal("trk|new", resume.ResumeCtState);
        Assert.StartsWith("recirc_id=0x1,ct_state=new|trk", resume.Flow);
        Assert.Equal(new[] { 20, 30, 40, 50 }, Tables(resume));
        Assert.Empty(resume.RawLines); // thaw / Resuming from table are understood, not kept as unknown text
        Assert.False(t.Passes[0].IsResume);
    }

    [Fact]
    public void PatchAndConntrack_EachForkHasItsOwnTriple()
    {
        var t = OvsTraceParser.Parse(ParserSamples.LabA_PatchConntrackSameNode);
        Assert.StartsWith("tcp,in_port=1,vlan_tci=0x0000", t.InputFlow);
        Assert.Equal(t.InputFlow, t.Passes[0].Flow);
        Assert.Null(t.Passes[0].DatapathActions);
        Assert.Equal("ct(zone=100),recirc(0x1)", t.Passes[1].DatapathActions);
        Assert.StartsWith("recirc_id=0,eth,tcp,in_port=1", t.Passes[1].Megaflow);
        Assert.StartsWith("tcp,reg0=0x1,reg1=0x5", t.Passes[1].FinalFlow);
        Assert.Null(t.Passes[2].DatapathActions);
        Assert.Equal("ct(commit,zone=100),2", t.Passes[3].DatapathActions);
    }

    [Fact]
    public void HopHeader_MatchPriorityAndActions()
    {
        var t = OvsTraceParser.Parse(ParserSamples.LabA_PatchConntrackSameNode);
        var hop = t.Passes[0].Hops[0];
        Assert.Equal(0, hop.Table);
        Assert.Equal("ip,in_port=1,dl_src=02:00:00:00:00:01,nw_src=10.1.0.11", hop.Match);
        Assert.Equal(100, hop.Priority);
        Assert.Null(hop.Cookie);
        Assert.False(hop.IsTableMiss);
        Assert.Equal(new[] { "load:0x1->NXM_NX_REG0[]", "goto_table:10" }, TopActions(hop));
        Assert.Equal(new[] { 0, 10 }, Tables(t.Passes[0]));
    }

    [Fact]
    public void CtFork_InnerDropIsAChildAndDetailsStayOnTheCtAction()
    {
        var t = OvsTraceParser.Parse(ParserSamples.LabA_PatchConntrackSameNode);
        var hop = t.Passes[1].Hops[1];
        var ct = Assert.Single(hop.Actions);
        Assert.Equal("ct(table=20,zone=NXM_NX_REG6[0..15])", ct.Text);
        Assert.Equal(new[] { "drop" }, ct.Children.Select(c => c.Text));
        Assert.Equal(2, ct.Details.Count);
        Assert.StartsWith("-> A clone of the packet is forked", ct.Details[0]);
        Assert.Equal(20, t.Passes[1].ForkResumeTable);
    }

    [Fact]
    public void CtCommitWithoutFork_InnerDropThenGotoStaysTopLevel()
    {
        var t = OvsTraceParser.Parse(ParserSamples.LabA_PatchConntrackSameNode);
        var hop = t.Passes[2].Hops[0];
        Assert.Equal(new[] { "ct(commit,zone=NXM_NX_REG6[0..15])", "goto_table:30" }, TopActions(hop));
        Assert.Null(t.Passes[2].ForkResumeTable);
    }

    [Fact]
    public void OutputRegisterDetail_IsAttachedToOutput()
    {
        var t = OvsTraceParser.Parse(ParserSamples.LabB_KernelTunnelAfterResume);
        var last = t.Passes[^1].Hops[^1];
        Assert.Equal(50, last.Table);
        var output = Assert.Single(last.Actions);
        Assert.Equal("output:NXM_NX_REG7[]", output.Text);
        Assert.Equal(new[] { "-> output port is 200", "-> output to kernel tunnel" }, output.Details);
        Assert.Equal("new|trk", t.Passes[^1].ResumeCtState);
        Assert.Contains("set(tunnel(tun_id=0x64", t.Passes[^1].DatapathActions);
    }

    [Fact]
    public void SelectGroup_BucketContentsAndNestedBridgeSection()
    {
        var t = OvsTraceParser.Parse(ParserSamples.LabC_SelectGroupNestedBridge);
        Assert.Equal(new[] { "br-int", "br-int", "br-access" }, Bridges(t));
        var resumed = t.Passes[1];
        Assert.Equal(new[] { 20, 30, 40, 50 }, Tables(resumed));
        Assert.Equal(new[] { 0, 0, 2, 2 }, resumed.Hops.Select(h => h.Depth)); // bucket contents are two levels in
        var hop30 = resumed.Hops[1];
        Assert.Equal(new[] { "group:1", "bucket 0" }, TopActions(hop30));
        Assert.Equal(3, hop30.Actions[0].Details.Count);
        Assert.Equal(new[] { "set_field:10.1.0.12->ip_dst", "resubmit(,40)" }, hop30.Actions[1].Children.Select(c => c.Text));

        var nested = t.Passes[2];
        Assert.Equal(2, nested.Depth);
        Assert.True(nested.EnteredThroughPatch);
        Assert.Equal(1, nested.PreviousIndex);
        Assert.Equal(new[] { 0 }, Tables(nested));
        Assert.Equal(0, nested.Hops[0].Depth);
        Assert.Equal(new[] { "output:2" }, TopActions(nested.Hops[0]));
        // The triple belongs to the top-level pass that was being translated.
        Assert.Equal("set(ipv4(dst=10.1.0.12)),2", resumed.DatapathActions);
        Assert.Null(nested.DatapathActions);
    }

    [Fact]
    public void NestedResubmit_OuterActionsContinueAfterNestedTable()
    {
        var t = OvsTraceParser.Parse(ParserSamples.NestedResubmitMissRule);
        var p = t.Passes[0];
        Assert.Equal(new[] { 0, 5, 1, 8 }, Tables(p));
        Assert.Equal(new[] { 0, 1, 0, 0 }, p.Hops.Select(h => h.Depth));
        Assert.Equal(new[] { "resubmit(,5)", "load:0x3->NXM_NX_REG7[]", "goto_table:1" }, TopActions(p.Hops[0]));
        Assert.Equal(new[] { "load:0x1->NXM_NX_REG0[]" }, TopActions(p.Hops[1]));
    }

    [Fact]
    public void InternalMissRule_IsATableMiss()
    {
        var t = OvsTraceParser.Parse(ParserSamples.NestedResubmitMissRule);
        var hop = t.Passes[1].Hops[^1];
        Assert.Equal(2, hop.Table);
        Assert.True(hop.IsTableMiss);
        Assert.Equal(MissForm.InternalMissRule, hop.MissForm);
        Assert.Equal("reg0=0x2", hop.Match);
        Assert.Equal(0, hop.Priority);
    }

    [Fact]
    public void NoMatch_IsATableMissWithItsDropAction()
    {
        var t = OvsTraceParser.Parse(ParserSamples.NoMatch);
        var hop = t.Passes[0].Hops[^1];
        Assert.Equal(7, hop.Table);
        Assert.True(hop.IsTableMiss);
        Assert.Equal(MissForm.NoMatch, hop.MissForm);
        Assert.Equal("", hop.Match);
        Assert.Null(hop.Priority);
        Assert.Equal(new[] { "drop" }, TopActions(hop));
    }

    [Theory]
    [InlineData("15. reg0=0x2, priority 0, cookie 0x5\n    drop")]      // a cookie: a real flow
    [InlineData("15. reg0=0x2, priority 0\n    output:3")]            // does something else
    [InlineData("15. reg0=0x2,tcp, priority 0\n    drop")]            // matches more
    [InlineData("15. reg0=0x2, priority 1\n    drop")]                // not priority 0
    public void ShapesNearTheMissRule_AreRealFlows(string hops)
    {
        var t = OvsTraceParser.Parse("bridge(\"br-int\")\n----------------\n" + hops + "\n");
        var hop = Assert.Single(t.Passes[0].Hops);
        Assert.False(hop.IsTableMiss);
        Assert.Equal(MissForm.None, hop.MissForm);
    }

    [Fact]
    public void NestedMiss_InsideResubmitKeepsDepth()
    {
        var t = OvsTraceParser.Parse(ParserSamples.NestedNoMatch);
        var p = Assert.Single(t.Passes);
        Assert.Equal(new[] { 0, 3, 5 }, Tables(p));
        Assert.Equal(new[] { 0, 1, 0 }, p.Hops.Select(h => h.Depth));
        Assert.True(p.Hops[1].IsTableMiss);
        Assert.Equal(new[] { "drop" }, TopActions(p.Hops[1]));
        Assert.Equal(new[] { "resubmit(,3)", "resubmit(,5)" }, TopActions(p.Hops[0]));
    }

    [Fact]
    public void GroupAll_BucketsPatchCrossingAndReturnToOuterPass()
    {
        var t = OvsTraceParser.Parse(ParserSamples.GroupAllNestedBridge);
        Assert.Equal(new[] { "br-access", "br-int" }, Bridges(t));
        var outer = t.Passes[0];
        Assert.Equal(new[] { "group:1", "bucket 0", "bucket 1", "bucket 2" }, TopActions(outer.Hops[0]));
        Assert.Equal(new[] { "output:4" }, outer.Hops[0].Actions[2].Children.Select(c => c.Text));
        Assert.Equal(new[] { 0, 5 }, Tables(outer)); // bucket 2's resubmit lands back in the outer pass
        Assert.Equal(2, outer.Hops[1].Depth);
        var nested = t.Passes[1];
        Assert.Equal(2, nested.Depth);
        Assert.Equal(0, nested.PreviousIndex);
        var output = Assert.Single(nested.Hops[0].Actions);
        Assert.Equal(new[] { ">> skipping output to input port" }, output.Details);
        Assert.Equal("2", outer.DatapathActions);
    }

    [Fact]
    public void DoubleRecirculation_ResumesChainAndNatBannerIsKept()
    {
        var t = OvsTraceParser.Parse(ParserSamples.DoubleRecircNat);
        Assert.Equal(new[] { "br-int", "br-int", "br-int", "br-access" }, Bridges(t));
        Assert.Equal(new[] { "nat" }, t.Passes[0].Hops[0].Actions[0].Children.Select(c => c.Text));
        Assert.Equal(("0x5", 3), (t.Passes[1].RecircId, t.Passes[1].ResumeTable));
        Assert.Equal(("0x6", 5), (t.Passes[2].RecircId, t.Passes[2].ResumeTable));
        Assert.Equal(new int?[] { null, 0, 1, 2 }, t.Passes.Select(p => p.PreviousIndex));
        Assert.Contains("Replacing src/dst IP/ports to simulate NAT:", t.Passes[1].RawLines);
        Assert.Equal("ct(zone=9),recirc(0x6)", t.Passes[1].DatapathActions);
    }

    [Fact]
    public void CtExecAndClone_InnerActionsAreChildren()
    {
        var t = OvsTraceParser.Parse(ParserSamples.CtExecClone);
        var hop = t.Passes[0].Hops[0];
        Assert.Equal(new[] { "ct(commit,zone=4,exec(load:0x1->NXM_NX_CT_MARK[],load:0x2->NXM_NX_CT_LABEL[0..31]))", "clone(drop)", "output:4" },
            TopActions(hop));
        Assert.Equal(2, hop.Actions[0].Children.Count);
        Assert.Single(hop.Actions[0].Details);
        Assert.Equal(new[] { "drop" }, hop.Actions[1].Children.Select(c => c.Text));
    }

    [Fact]
    public void CtNatCommit_NatLineIsChild()
    {
        var t = OvsTraceParser.Parse(ParserSamples.SnatCommit);
        var hop = t.Passes[0].Hops[0];
        Assert.Equal(new[] { "ct(commit,zone=8191,nat(src=172.28.184.10:5000-7999,persistent))", "push_vlan:0x8100", "set_field:8099->vlan_vid", "output:1" },
            TopActions(hop));
        Assert.Equal("nat(src=172.28.184.10:5000-7999,persistent)", Assert.Single(hop.Actions[0].Children).Text);
    }

    [Fact]
    public void Clone_InnerActionsAreChildren()
    {
        var t = OvsTraceParser.Parse(ParserSamples.CloneNativeTunnelFail);
        var hop = t.Passes[0].Hops[0];
        Assert.Equal(new[] { "clone(set_field:10.9.9.9->ip_dst,output:4)", "output:3" }, TopActions(hop));
        Assert.Equal(new[] { "set_field:10.9.9.9->ip_dst", "output:4" }, hop.Actions[0].Children.Select(c => c.Text));
    }

    [Theory]
    [InlineData(nameof(ParserSamples.ErrUnknownBridge), "br-nope: unknown bridge")]
    [InlineData(nameof(ParserSamples.ErrPrereq), "prerequisites not met for setting tp_dst")]
    public void OvsErrors_AreReportedAsError(string sample, string expected)
    {
        string text = (string)typeof(ParserSamples).GetField(sample)!.GetValue(null)!;
        var t = OvsTraceParser.Parse(text);
        Assert.Empty(t.Passes);
        Assert.NotNull(t.Error);
        Assert.Contains(expected, t.Error);
        Assert.Contains("server returned an error", t.Error);
    }

    [Fact]
    public void JsonRpcErrorText_IsAnError()
    {
        var t = OvsTraceParser.Parse("br-nope: unknown bridge\n");
        Assert.Equal("br-nope: unknown bridge", t.Error);
    }

    [Theory]
    [InlineData("")]
    [InlineData("\n\n   \n")]
    public void EmptyText_HasNoPassesAndNoError(string text)
    {
        var t = OvsTraceParser.Parse(text);
        Assert.Empty(t.Passes);
        Assert.Null(t.Error);
        Assert.Null(t.InputFlow);
    }

    [Fact]
    public void NullText_IsTreatedAsEmpty()
    {
        var t = OvsTraceParser.Parse(null);
        Assert.Empty(t.Passes);
        Assert.Equal("", t.RawText);
    }

    [Fact]
    public void CrLfLineEndings_ParseTheSame()
    {
        var lf = OvsTraceParser.Parse(ParserSamples.LabC_SelectGroupNestedBridge);
        var crlf = OvsTraceParser.Parse(ParserSamples.LabC_SelectGroupNestedBridge.Replace("\n", "\r\n"));
        Assert.Equal(lf.ToString(), crlf.ToString());
        Assert.Equal(lf.Passes[1].DatapathActions, crlf.Passes[1].DatapathActions);
        Assert.Equal(lf.Passes.SelectMany(p => p.Hops).Select(h => h.Match), crlf.Passes.SelectMany(p => p.Hops).Select(h => h.Match));
    }

    [Fact]
    public void ResumeWithoutItsFork_KeepsTheLabelAndHasNoPrevious()
    {
        string excerpt = ParserSamples.LabB_KernelTunnelAfterResume[ParserSamples.LabB_KernelTunnelAfterResume.IndexOf("recirc(0x2)", StringComparison.Ordinal)..];
        var t = OvsTraceParser.Parse(excerpt);
        var p = Assert.Single(t.Passes);
        Assert.True(p.IsResume);
        Assert.Equal("br-access", p.Bridge);
        Assert.Null(p.PreviousIndex);
        Assert.Equal(20, p.ResumeTable);
    }

    [Fact]
    public void AciResumeLabelledWithStartBridge_IsTheBridgeThatForked()
    {
        var t = OvsTraceParser.Parse(ParserAciSamples.NodeBIngressDenied);
        Assert.Equal(new[] { "br-int", "br-access", "br-access" }, Bridges(t));
        var resume = t.Passes[2];
        Assert.Equal("br-int", resume.LabelledBridge);
        Assert.Equal(2, resume.ResumeTable);
        Assert.Equal(1, resume.PreviousIndex);
        Assert.Equal(new[] { 2, 3, 4, 9 }, Tables(resume));
    }

    [Fact]
    public void CookieIsParsedAsHex()
    {
        var t = OvsTraceParser.Parse(ParserAciSamples.NoContract);
        var hop = t.Passes[1].Hops.Single(h => h.Table == 12);
        Assert.Equal(0xc00000000000000cUL, hop.Cookie);
        Assert.Equal(1, hop.Priority);
        Assert.Equal("reg6=0x1", hop.Match);
        Assert.Equal(12, hop.Actions.Count(a => a.Text.StartsWith("move:", StringComparison.Ordinal)));
        Assert.All(hop.Actions.Where(a => a.Text.StartsWith("move:", StringComparison.Ordinal)), a => Assert.Single(a.Details));
    }

    [Fact]
    public void CatchAllAndThreeDigitTableHeaders()
    {
        var t = OvsTraceParser.Parse("bridge(\"br-int\")\n 0. priority 0\n    goto_table:254\n254. priority 8192, cookie 0x1\n    drop\n");
        var hops = t.Passes[0].Hops;
        Assert.Equal(new[] { 0, 254 }, hops.Select(h => h.Table));
        Assert.Equal("", hops[0].Match);
        Assert.Equal(0, hops[0].Priority);
        Assert.Equal((8192, 1UL), (hops[1].Priority!.Value, hops[1].Cookie!.Value));
    }

    [Fact]
    public void UnknownLines_AreKeptVerbatimOnPassOrHop()
    {
        string text = ParserSamples.ControllerOnly + "\nThis flow is handled by the userspace slow path because it:\n  - Sends \"packet-in\" messages to the OpenFlow controller.\n";
        text = text.Replace(" 0. ip,in_port=4,nw_dst=10.0.0.12, priority 100\n", " 0. ip,in_port=4,nw_dst=10.0.0.12, priority 100\n     -> a detail before any action\n");
        var t = OvsTraceParser.Parse(text);
        var p = Assert.Single(t.Passes);
        Assert.Contains("This flow is handled by the userspace slow path because it:", p.RawLines);
        Assert.Contains("- Sends \"packet-in\" messages to the OpenFlow controller.", p.RawLines);
        Assert.Equal(new[] { "-> a detail before any action" }, p.Hops[0].RawLines);
        Assert.Equal(new[] { "CONTROLLER:65535" }, TopActions(p.Hops[0]));
    }

    [Fact]
    public void HopsWithoutBridgeHeader_GoToAnImplicitPass()
    {
        var t = OvsTraceParser.Parse(" 5. reg4=0x1, priority 2\n    goto_table:7\n 7. priority 1\n    goto_table:8\n");
        var p = Assert.Single(t.Passes);
        Assert.Equal("", p.Bridge);
        Assert.Equal(new[] { 5, 7 }, Tables(p));
        Assert.Null(t.Error);
    }

    [Fact]
    public void TripleWithoutAnyPass_IsUnparsed()
    {
        var t = OvsTraceParser.Parse("Flow: tcp,in_port=1\nDatapath actions: drop\n");
        Assert.Empty(t.Passes);
        Assert.Null(t.Error); // a Flow line means OVS did trace
        Assert.Contains("Datapath actions: drop", t.UnparsedLines);
    }

    [Fact]
    public void TunnelIngressFlowIsTheInputFlow()
    {
        var t = OvsTraceParser.Parse(ParserSamples.LabD_FromTunnel);
        Assert.StartsWith("tcp,tun_src=192.168.50.2,tun_dst=10.0.0.1", t.InputFlow);
        Assert.Equal(new[] { "br-int", "br-int", "br-access" }, Bridges(t));
        Assert.Equal("est|trk", t.Passes[1].ResumeCtState);
        Assert.Null(t.Passes[1].DatapathActions);
        Assert.Equal("1", t.Passes[2].DatapathActions); // the triple follows the patch crossing
    }

    [Fact]
    public void Parsing_IsDeterministic()
    {
        foreach (string sample in ParserFuzzTests.AllSamples())
        {
            Assert.Equal(OvsTraceParser.Parse(sample).ToString(), OvsTraceParser.Parse(sample).ToString());
        }
    }
}
