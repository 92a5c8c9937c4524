namespace AciTrace.Tests.Lab;

public class SmokeTests
{
    [Fact]
    public async Task LabCliWithoutArgumentsIsUsageError() => Assert.Equal(2, await AciTrace.Lab.LabCli.RunAsync([]));
}
