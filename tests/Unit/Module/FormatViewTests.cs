using System.Reflection;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace AciTrace.Tests.Unit.Module;

/// <summary>module/AciTrace.Format.ps1xml against the output types it formats.</summary>
public partial class FormatViewTests
{
    private static readonly XDocument Views = XDocument.Load(Path.Combine(ModuleContract.RepoRoot, "module", "AciTrace.Format.ps1xml"));

    private static readonly Dictionary<string, Type> OutputTypes = new[] { typeof(AciBridgePass), typeof(AciTableHop), typeof(AciTraceSummary) }
        .ToDictionary(t => t.FullName!);

    private static IEnumerable<XElement> ViewsOf(string typeName) =>
        Views.Descendants("View").Where(v => v.Element("ViewSelectedBy")!.Elements("TypeName").Any(t => t.Value == typeName));

    [Fact]
    public void EveryViewIsKeyedByARealOutputTypeName()
    {
        var names = Views.Descendants("View").SelectMany(v => v.Element("ViewSelectedBy")!.Elements("TypeName")).Select(t => t.Value).ToHashSet();
        Assert.Equal(OutputTypes.Keys.Order(), names.Order());
    }

    [Theory]
    [InlineData("AciTrace.AciBridgePass")]
    [InlineData("AciTrace.AciTableHop")]
    [InlineData("AciTrace.AciTraceSummary")]
    public void FirstViewOfEachTypeIsATableAndAListViewExists(string typeName)
    {
        var views = ViewsOf(typeName).ToArray();
        Assert.NotNull(views[0].Element("TableControl"));
        Assert.Contains(views, v => v.Element("ListControl") is not null);
    }

    [Fact]
    public void EveryPropertyAViewNamesExistsOnItsType()
    {
        var checkedCount = 0;
        foreach (var view in Views.Descendants("View"))
        {
            var type = OutputTypes[view.Element("ViewSelectedBy")!.Element("TypeName")!.Value];
            var properties = type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Select(p => p.Name).ToHashSet(StringComparer.OrdinalIgnoreCase);
            var named = view.Descendants("PropertyName").Select(p => p.Value.Trim())
                .Concat(view.Descendants("ScriptBlock").SelectMany(s => DollarUnderscore().Matches(s.Value).Select(m => m.Groups[1].Value)));
            foreach (var name in named)
            {
                Assert.True(properties.Contains(name), $"view '{view.Element("Name")!.Value}' of {type.Name} names missing property '{name}'");
                checkedCount++;
            }
        }

        Assert.True(checkedCount > 50, "the views name too few properties to be real");
    }

    [Fact]
    public void TableHeadersAndColumnsLineUp()
    {
        foreach (var table in Views.Descendants("TableControl"))
        {
            var headers = table.Element("TableHeaders")!.Elements("TableColumnHeader").Count();
            Assert.All(table.Descendants("TableColumnItems"), items => Assert.Equal(headers, items.Elements("TableColumnItem").Count()));
        }
    }

    [Fact]
    public void DefaultPassTableGroupsByTraceAndShowsTheAdminColumns()
    {
        var table = ViewsOf("AciTrace.AciBridgePass").First();
        Assert.Contains("TraceId", table.Element("GroupBy")!.Value, StringComparison.Ordinal);
        var labels = table.Descendants("TableColumnHeader").Select(h => h.Element("Label")!.Value).ToArray();
        Assert.Equal(["Leg", "Node", "Bridge", "In -> Out", "TunnelId", "Verdict", "Reason"], labels);
        Assert.Contains(ViewsOf("AciTrace.AciBridgePass"), v => v.Element("Name")!.Value == "Bridge" && v.Element("GroupBy") is not null);
    }

    [Fact]
    public void ViewNamesAreUniquePerControlKind()
    {
        var keys = Views.Descendants("View").Select(v =>
            $"{v.Element("ViewSelectedBy")!.Element("TypeName")!.Value}|{v.Element("Name")!.Value}|{v.Elements().Last().Name}").ToArray();
        Assert.Equal(keys.Length, keys.Distinct().Count());
    }

    [Fact]
    public void BridgePassExportsToOneFlatCsvRow()
    {
        // Export-Csv writes every public property with its ToString(): all must be scalars, except Hops whose text is the table path.
        foreach (var property in typeof(AciBridgePass).GetProperties())
        {
            var type = Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType;
            var scalar = type.IsPrimitive || type.IsEnum || type == typeof(string);
            Assert.True(scalar || property.Name == nameof(AciBridgePass.Hops), $"AciBridgePass.{property.Name} ({type.Name}) is not flat");
        }

        var pass = new AciBridgePass { Hops = new AciHopCollection([new AciTableHop { Table = 0 }, new AciTableHop { Table = 12 }]) };
        Assert.Equal("0 12", pass.Hops.ToString());
    }

    [GeneratedRegex(@"\$_\.(\w+)")]
    private static partial Regex DollarUnderscore();
}
