namespace AciTrace.Tests.Unit;

public class SmokeTests
{
    [Fact]
    public void HopCollectionStringIsItsCountSoCsvDoesNotRepeatTablePath()
    {
        var hops = new AciHopCollection(new[] { new AciTableHop { Table = 0 }, new AciTableHop { Table = 2 } });
        Assert.Equal("2", hops.ToString());
    }
}
