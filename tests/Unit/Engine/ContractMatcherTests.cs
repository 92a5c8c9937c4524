using AciTrace.Aci;
using AciTrace.Engine;
using AciTrace.Explain;

namespace AciTrace.Tests.Unit.Engine;

public class ContractMatcherTests
{
    private static ContractBinding Binding(ContractRole role, params PolicyRuleInfo[] rules) =>
        new(new ContractInfo { Name = "c", Rules = rules }, role);

    private static PolicyRuleInfo Rule(PolicyRuleDirection dir, ClassifierInfo c, bool allow = true) =>
        new() { Direction = dir, Allow = allow, Classifiers = new[] { c } };

    private static readonly ClassifierInfo Pg = new() { EtherType = 0x0800, Protocol = 6, DestinationFromPort = 5432, DestinationToPort = 5432 };
    private static readonly ClassifierInfo PgReply = new() { EtherType = 0x0800, Protocol = 6, SourceFromPort = 5432, SourceToPort = 5432 };

    [Fact]
    public void ConsumerToProviderUsesInRules()
    {
        var b = Binding(ContractRole.SourceConsumes, Rule(PolicyRuleDirection.In, Pg), Rule(PolicyRuleDirection.Out, PgReply));
        Assert.True(ContractMatcher.Allows(new[] { b }, TraceProtocol.Tcp, false, 40000, 5432));
        Assert.False(ContractMatcher.Allows(new[] { b }, TraceProtocol.Tcp, false, 40000, 80));
        Assert.False(ContractMatcher.Allows(new[] { b }, TraceProtocol.Udp, false, 40000, 5432));
        Assert.False(ContractMatcher.Allows(new[] { b }, TraceProtocol.Icmp, false, null, null));
    }

    [Fact]
    public void ProviderRepliesUseOutRules()
    {
        var b = Binding(ContractRole.SourceProvides, Rule(PolicyRuleDirection.In, Pg), Rule(PolicyRuleDirection.Out, PgReply));
        Assert.True(ContractMatcher.Allows(new[] { b }, TraceProtocol.Tcp, false, 5432, 40000));
        Assert.False(ContractMatcher.Allows(new[] { b }, TraceProtocol.Tcp, false, 40000, 5432));
    }

    [Fact]
    public void DenyRulesNeverAllowAndEmptyClassifiersAllowAll()
    {
        var deny = Binding(ContractRole.SourceConsumes, Rule(PolicyRuleDirection.Bidirectional, Pg, allow: false));
        Assert.False(ContractMatcher.Allows(new[] { deny }, TraceProtocol.Tcp, false, 1, 5432));
        var any = Binding(ContractRole.SourceConsumes, new PolicyRuleInfo { Direction = PolicyRuleDirection.In });
        Assert.True(ContractMatcher.Allows(new[] { any }, TraceProtocol.Udp, false, 1, 53));
    }

    [Fact]
    public void EtherTypeSeparatesArpAndIPv6()
    {
        var arp = new ClassifierInfo { EtherType = 0x0806 };
        Assert.True(ContractMatcher.Matches(arp, TraceProtocol.Arp, false, null, null));
        Assert.False(ContractMatcher.Matches(arp, TraceProtocol.Tcp, false, 1, 2));
        Assert.False(ContractMatcher.Matches(Pg, TraceProtocol.Tcp, true, 40000, 5432));
    }
}
