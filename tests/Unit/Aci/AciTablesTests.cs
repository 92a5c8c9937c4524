using AciTrace.Aci;

namespace AciTrace.Tests.Unit.Aci;

public class AciTablesTests
{
    [Theory]
    [InlineData(AciBridge.Access, 0, "DROP_LOG_TABLE")]
    [InlineData(AciBridge.Access, 2, "GROUP_MAP_TABLE")]
    [InlineData(AciBridge.Access, 4, "SEC_GROUP_IN_TABLE")]
    [InlineData(AciBridge.Access, 6, "SEC_GROUP_OUT_TABLE")]
    [InlineData(AciBridge.Access, 9, "EXP_DROP_TABLE")]
    [InlineData(AciBridge.Integration, 2, "SOURCE_TABLE")]
    [InlineData(AciBridge.Integration, 5, "BRIDGE_TABLE")]
    [InlineData(AciBridge.Integration, 12, "POL_TABLE")]
    [InlineData(AciBridge.Integration, 14, "OUT_TABLE")]
    [InlineData(AciBridge.Integration, 15, "EXP_DROP_TABLE")]
    public void NamesFollowTheAgent(AciBridge bridge, int table, string name)
    {
        Assert.Equal(name, AciTables.Name(bridge, table));
        Assert.NotEmpty(AciTables.Role(bridge, table));
        Assert.True(AciTables.IsKnown(bridge, table));
    }

    [Theory]
    [InlineData(AciBridge.Access, 10)]
    [InlineData(AciBridge.Access, -1)]
    [InlineData(AciBridge.Integration, 16)]
    [InlineData(AciBridge.Unknown, 0)]
    public void UnknownTablesHaveNoName(AciBridge bridge, int table)
    {
        Assert.Equal("", AciTables.Name(bridge, table));
        Assert.Equal("", AciTables.Role(bridge, table));
        Assert.False(AciTables.IsKnown(bridge, table));
    }

    [Fact]
    public void DropTablesAndCounts()
    {
        Assert.Equal(9, AciTables.DropTable(AciBridge.Access));
        Assert.Equal(15, AciTables.DropTable(AciBridge.Integration));
        Assert.Null(AciTables.DropTable(AciBridge.Unknown));
        Assert.Equal(10, AciTables.Count(AciBridge.Access));
        Assert.Equal(16, AciTables.Count(AciBridge.Integration));
    }

    [Fact]
    public void BridgeKindByDefaultAndConfiguredNames()
    {
        Assert.Equal(AciBridge.Access, AciTables.BridgeKind("br-access"));
        Assert.Equal(AciBridge.Integration, AciTables.BridgeKind(" br-int "));
        Assert.Equal(AciBridge.Unknown, AciTables.BridgeKind("br-ex"));
        Assert.Equal(AciBridge.Unknown, AciTables.BridgeKind(null));
        Assert.Equal(AciBridge.Unknown, AciTables.BridgeKind("BR-INT"));
        Assert.Equal(AciBridge.Access, AciTables.BridgeKind("acc0", "acc0", "int0"));
        Assert.Equal(AciBridge.Integration, AciTables.BridgeKind("int0", "acc0", "int0"));
        Assert.Equal(AciBridge.Unknown, AciTables.BridgeKind("br-int", "acc0", "int0"));
    }
}
