using AciTrace.Policy;

namespace AciTrace.Tests.Unit.Policy;

public sealed class LabelSelectorSyntaxTests
{
    [Theory]
    [InlineData("app=web")]
    [InlineData("app==web")]
    [InlineData("app!=web")]
    [InlineData("app")]
    [InlineData("!canary")]
    [InlineData("app=web,tier in (front, back),!canary")]
    [InlineData("env notin (test,dev)")]
    [InlineData("app.kubernetes.io/name=web")]
    [InlineData("example.com/team=a-b_c.d")]
    [InlineData("app=")]
    [InlineData("replicas>1")]
    [InlineData("generation < -2")]
    public void SelectorsKubectlTakesAreValid(string selector) =>
        Assert.True(LabelSelectorSyntax.IsValid(selector, out var why), why);

    [Theory]
    [InlineData("", "empty")]
    [InlineData("app in (a", "not a requirement")]
    [InlineData("app=(x", "not a requirement")]
    [InlineData("app=web;rm", "not a label value")]
    [InlineData("-app=web", "not a label key")]
    [InlineData("Example.com/x=y", "not a label key")]
    [InlineData("app=" + "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "not a label value")]
    [InlineData("app in (a,b c)", "not a label value")]
    [InlineData("app web", "not a requirement")]
    [InlineData("app in ()", "empty set")]
    [InlineData("replicas>x", "not a requirement")]
    public void AnythingElseIsRefusedWithAReason(string selector, string reason)
    {
        Assert.False(LabelSelectorSyntax.IsValid(selector, out var why));
        Assert.Contains(reason, why, StringComparison.Ordinal);
    }
}
