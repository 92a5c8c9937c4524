using System.Reflection;
using System.Xml.Linq;

namespace AciTrace.Tests.Unit.Module;

/// <summary>The cmdlet classes as PowerShell will see them: attributes, sets, output types, docs.</summary>
public class CmdletContractTests
{
    private static readonly string[] ExpectedCmdlets = ["Get-AciExternalTrace", "Get-AciPodTrace", "Get-AciServiceTrace"];

    public static TheoryData<string> CmdletNames => new(ExpectedCmdlets);

    private static CmdletInfo Cmdlet(string name) => ModuleContract.Cmdlets.Single(c => c.Name == name);

    [Fact]
    public void AssemblyDefinesExactlyTheTraceCmdlets() =>
        Assert.Equal(ExpectedCmdlets, ModuleContract.Cmdlets.Select(c => c.Name).ToArray());

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void CmdletClassIsSealedPublicAndNamedVerbNounCommand(string name)
    {
        var type = Cmdlet(name).Type;
        Assert.True(type.IsSealed, $"{type.FullName} must be sealed");
        Assert.True(type.IsPublic, $"{type.FullName} must be public");
        Assert.Equal("AciTrace.Commands", type.Namespace);
        Assert.Equal(name.Replace("-", "", StringComparison.Ordinal) + "Command", type.Name);
        var chain = new List<string>();
        for (var t = type.BaseType; t is not null; t = t.BaseType)
        {
            chain.Add(t.FullName!);
        }

        Assert.Contains("System.Management.Automation.PSCmdlet", chain);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void OutputTypeIsDeclaredForEveryParameterSet(string name)
    {
        var cmdlet = Cmdlet(name);
        Assert.NotEmpty(cmdlet.OutputTypes);
        var covered = new HashSet<string>();
        foreach (var output in cmdlet.OutputTypes)
        {
            var types = output.ConstructorArguments.SelectMany(a => a.Value is System.Collections.ObjectModel.ReadOnlyCollection<CustomAttributeTypedArgument> items
                ? items.Select(i => ((Type)i.Value!).FullName!)
                : [((Type)a.Value!).FullName!]).ToArray();
            Assert.Equal(["AciTrace.AciBridgePass", "AciTrace.AciTableHop", "AciTrace.AciTraceSummary", "System.Boolean"], types);
            var sets = output.NamedArguments.Single(n => n.MemberName == "ParameterSetName").TypedValue.Value
                as System.Collections.ObjectModel.ReadOnlyCollection<CustomAttributeTypedArgument>;
            Assert.NotNull(sets);
            covered.UnionWith(sets.Select(s => (string)s.Value!));
        }

        Assert.Equal(cmdlet.ParameterSets, covered.Order(StringComparer.Ordinal).ToArray());
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void ParameterSetsAreConstantsAndTheDefaultExists(string name)
    {
        var cmdlet = Cmdlet(name);
        Assert.Contains(cmdlet.DefaultParameterSet, cmdlet.ParameterSets);
        var constants = cmdlet.Type.GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.IsLiteral && f.FieldType.FullName == "System.String")
            .Select(f => (string)f.GetRawConstantValue()!).ToHashSet();
        Assert.All(cmdlet.ParameterSets, set => Assert.Contains(set, constants));
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void PositionsAreUniqueAndMandatoryNamesExistInEverySet(string name)
    {
        var cmdlet = Cmdlet(name);
        foreach (var set in cmdlet.ParameterSets)
        {
            var members = cmdlet.Parameters
                .Select(p => (p.Name, Entry: p.Sets.FirstOrDefault(s => s.Name == set) ?? p.Sets.FirstOrDefault(s => s.Name == CmdletInfo.AllSets)))
                .Where(x => x.Entry is not null).ToArray();
            var positions = members.Where(m => m.Entry!.Position is not null).Select(m => m.Entry!.Position!.Value).ToArray();
            Assert.Equal(positions.Length, positions.Distinct().Count());
            Assert.Contains(members, m => m.Entry!.Mandatory && m.Name.StartsWith("Source", StringComparison.Ordinal));
            Assert.Contains(members, m => m.Entry!.Mandatory && m.Name.StartsWith("Destination", StringComparison.Ordinal));
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void EveryParameterHasXmlDocumentation(string name)
    {
        var docs = XDocument.Load(Path.Combine(AppContext.BaseDirectory, "AciTrace.Cmdlets.xml"));
        var members = docs.Descendants("member")
            .Where(m => !string.IsNullOrWhiteSpace(m.Element("summary")?.Value))
            .Select(m => (string)m.Attribute("name")!).ToHashSet();
        foreach (var parameter in Cmdlet(name).Parameters)
        {
            var declaring = parameter.Property.DeclaringType!.FullName;
            Assert.True(members.Contains($"P:{declaring}.{parameter.Name}"), $"{name} -{parameter.Name} has no /// summary");
        }
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void SourceTakesPodObjectsFromThePipelineAndCompletes(string name)
    {
        var source = Cmdlet(name).Parameters.Single(p => p.Name == "Source");
        Assert.True(source.Sets.Single().ByValue && source.Sets.Single().ByPropertyName);
        var attributes = source.Property.GetCustomAttributesData().Select(a => a.AttributeType.Name).ToArray();
        Assert.Contains("KubeObjectReferenceAttribute", attributes);
        Assert.Contains("ArgumentCompleterAttribute", attributes);
    }

    [Theory]
    [MemberData(nameof(CmdletNames))]
    public void PortsAreRangeValidated(string name)
    {
        foreach (var port in new[] { "SourcePort", "DestinationPort" })
        {
            var range = Cmdlet(name).Parameters.Single(p => p.Name == port).Property.GetCustomAttributesData()
                .Single(a => a.AttributeType.Name == "ValidateRangeAttribute");
            Assert.Equal([1, 65535], range.ConstructorArguments.Select(a => Convert.ToInt32(a.Value)).ToArray());
        }
    }

    [Fact]
    public void OnlyOneParameterTakesWholeObjectsFromThePipeline()
    {
        // Two ByValue parameters in one set would make PowerShell's choice depend on type coercion order.
        foreach (var cmdlet in ModuleContract.Cmdlets)
        {
            Assert.Equal(["Source"], cmdlet.Parameters.Where(p => p.Sets.Any(s => s.ByValue)).Select(p => p.Name).ToArray());
        }
    }

    [Fact]
    public void EveryEngineErrorKindNamesAnErrorCategory()
    {
        // The cmdlets map AciErrorKind to ErrorCategory by name; a kind without a category would become NotSpecified.
        var categories = ModuleContract.Sma.GetType("System.Management.Automation.ErrorCategory", throwOnError: true)!
            .GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToHashSet();
        Assert.All(Enum.GetNames<AciTrace.Engine.AciErrorKind>(), kind => Assert.Contains(kind, categories));
    }

    [Fact]
    public void CompletersImplementIArgumentCompleterWithPublicConstructors()
    {
        var completers = ModuleContract.CmdletAssembly.GetTypes()
            .Where(t => t.GetInterfaces().Any(i => i.FullName == "System.Management.Automation.IArgumentCompleter") && !t.IsAbstract)
            .ToArray();
        Assert.Equal(["ContextCompleter", "NamespaceCompleter", "PodCompleter", "ServiceCompleter"], completers.Select(t => t.Name).Order().ToArray());
        Assert.All(completers, t => Assert.NotNull(t.GetConstructor(Type.EmptyTypes)));
    }
}
