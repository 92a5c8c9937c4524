using AciTrace.Engine;

namespace AciTrace.Tests.Unit.Engine;

public sealed class TraceComparerTests
{
    private static readonly PassFacts Access = new("node-a", "br-access", TraceVerdict.Forward, "pa-veth1", null);
    private static readonly PassFacts Int = new("node-a", "br-int", TraceVerdict.Forward, "vxlan0", null);
    private static readonly PassFacts Deliver = new("node-b", "br-access", TraceVerdict.Deliver, "veth2", null);
    private static readonly PassFacts DropNp = new("node-b", "br-access", TraceVerdict.Drop, null, "SEC_GROUP_IN_TABLE");

    private static TraceFacts T(string dst, int? port, TraceVerdict verdict, params PassFacts[] passes) =>
        new("ns/a", dst, "TCP", port, TraceDirection.Request, verdict, verdict.ToString(), passes);

    [Fact]
    public void EachPacketIsMatchedByPacketAndDirectionAndClassified()
    {
        var before = new[]
        {
            T("ns/b", 80, TraceVerdict.Deliver, Access, Int, Deliver),
            T("ns/c", 80, TraceVerdict.Drop, Access, Int, DropNp),
            T("ns/d", 80, TraceVerdict.Deliver, Access, Int, Deliver),
            T("ns/e", 80, TraceVerdict.Drop, Access, Int, DropNp),
            T("ns/gone", 80, TraceVerdict.Deliver, Access),
        };
        var after = new[]
        {
            T("ns/b", 80, TraceVerdict.Drop, Access, Int, DropNp),
            T("ns/c", 80, TraceVerdict.Deliver, Access, Int, Deliver),
            T("ns/d", 80, TraceVerdict.Deliver, Access, Int, Deliver),
            T("ns/e", 80, TraceVerdict.Drop, Access, DropNp with { Node = "node-a", Bridge = "br-int" }),
            T("ns/new", 80, TraceVerdict.Deliver, Access),
            T("ns/b", 443, TraceVerdict.Deliver, Access),
        };
        var result = TraceComparer.Compare(before, after).ToDictionary(c => (c.Destination, c.Packet), c => c);
        Assert.Equal(TraceChange.Broken, result[("ns/b", "tcp/80")].Change);
        Assert.Equal("pass 3 node-b br-access: Deliver to veth2 -> Drop at table SEC_GROUP_IN_TABLE", result[("ns/b", "tcp/80")].DivergedAt);
        Assert.Equal(TraceChange.Fixed, result[("ns/c", "tcp/80")].Change);
        Assert.Equal(TraceChange.Same, result[("ns/d", "tcp/80")].Change);
        Assert.Equal("", result[("ns/d", "tcp/80")].DivergedAt);
        Assert.Equal(TraceChange.Changed, result[("ns/e", "tcp/80")].Change);   // dropped earlier on the path
        Assert.StartsWith("pass 2 node-a br-int: Forward to vxlan0 -> Drop", result[("ns/e", "tcp/80")].DivergedAt, StringComparison.Ordinal);
        Assert.Equal(TraceChange.Removed, result[("ns/gone", "tcp/80")].Change);
        Assert.Null(result[("ns/gone", "tcp/80")].After);
        Assert.Equal(TraceChange.Added, result[("ns/new", "tcp/80")].Change);
        Assert.Equal(TraceChange.Added, result[("ns/b", "tcp/443")].Change);
    }

    [Fact]
    public void APacketTracedTwiceCountsOnceWithItsLastTrace()
    {
        var before = new[] { T("ns/b", 80, TraceVerdict.Drop, DropNp), T("ns/b", 80, TraceVerdict.Deliver, Deliver) };
        var after = new[] { T("ns/b", 80, TraceVerdict.Deliver, Deliver) };
        var result = Assert.Single(TraceComparer.Compare(before, after));
        Assert.Equal(TraceChange.Same, result.Change);
    }
}
