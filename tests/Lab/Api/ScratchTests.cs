namespace AciTrace.Tests.Lab.Api;
public sealed class ScratchTests(LabApiFixture lab) : IClassFixture<LabApiFixture>
{
    [Fact]
    public async Task Scratch()
    {
        var r = await lab.Admin.RunAsync("get", "pods", "-v=8");
        Assert.Fail(File.ReadAllText(Path.Combine(lab.Root, "kubeconfig")) + r.ToString());
    }
}
