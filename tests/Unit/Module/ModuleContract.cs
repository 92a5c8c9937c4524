using System.Collections.ObjectModel;
using System.Reflection;
using System.Runtime.InteropServices;

namespace AciTrace.Tests.Unit.Module;

/// <summary>
/// The built module folder (out/AciTrace) read as metadata: the cmdlet assembly references
/// System.Management.Automation, which cannot run here, so its attributes are read with MetadataLoadContext.
/// </summary>
internal static class ModuleContract
{
    private static readonly Lazy<Loaded> State = new(Load);

    public static string RepoRoot { get; } = FindRepoRoot();
    public static string ModuleDir => Path.Combine(RepoRoot, "out", "AciTrace");
    public static string HelpDir => Path.Combine(RepoRoot, "docs", "help");
    public static string CultureDir => Path.Combine(ModuleDir, "en-US");

    public static IReadOnlyList<CmdletInfo> Cmdlets => State.Value.Cmdlets;
    public static Assembly CmdletAssembly => State.Value.Assembly;
    public static Assembly Sma => State.Value.Sma;

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "AciTrace.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("AciTrace.slnx not found above " + AppContext.BaseDirectory);
    }

    public static string SmaReferencePath()
    {
        var root = typeof(ModuleContract).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .Single(a => a.Key == "NuGetPackageRoot").Value!;
        var path = Path.Combine(root, "powershellstandard.library", "5.1.0-preview-06", "lib", "netstandard2.0", "System.Management.Automation.dll");
        Assert.True(File.Exists(path), "PowerShellStandard.Library reference assembly not found at " + path);
        return path;
    }

    private static Loaded Load()
    {
        var dll = Path.Combine(ModuleDir, "AciTrace.Cmdlets.dll");
        Assert.True(File.Exists(dll), $"{dll} is missing: build src/AciTrace.Cmdlets first (dotnet build lays out out/AciTrace).");
        var paths = Directory.GetFiles(RuntimeEnvironment.GetRuntimeDirectory(), "*.dll")
            .Concat(Directory.GetFiles(ModuleDir, "*.dll"))
            .Append(SmaReferencePath());
        var context = new MetadataLoadContext(new PathAssemblyResolver(paths), "System.Private.CoreLib");
        var assembly = context.LoadFromAssemblyPath(dll);
        var sma = context.LoadFromAssemblyName("System.Management.Automation");
        var cmdlets = assembly.GetTypes()
            .Select(t => (Type: t, Attribute: t.GetCustomAttributesData().SingleOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.CmdletAttribute")))
            .Where(x => x.Attribute is not null)
            .Select(x => CmdletInfo.From(x.Type, x.Attribute!))
            .OrderBy(c => c.Name, StringComparer.Ordinal)
            .ToArray();
        return new Loaded(assembly, sma, cmdlets);
    }

    private sealed record Loaded(Assembly Assembly, Assembly Sma, IReadOnlyList<CmdletInfo> Cmdlets);
}

internal sealed record CmdletInfo(string Name, Type Type, string? DefaultParameterSet, IReadOnlyList<ParameterInfoRecord> Parameters,
    IReadOnlyList<CustomAttributeData> OutputTypes)
{
    public const string AllSets = "__AllParameterSets";

    /// <summary>The named parameter sets (those a syntax block describes).</summary>
    public IReadOnlyList<string> ParameterSets => Parameters.SelectMany(p => p.Sets.Select(s => s.Name))
        .Where(s => s != AllSets).Distinct().Order(StringComparer.Ordinal).ToArray();

    public static CmdletInfo From(Type type, CustomAttributeData cmdlet)
    {
        var verb = (string)cmdlet.ConstructorArguments[0].Value!;
        var noun = (string)cmdlet.ConstructorArguments[1].Value!;
        var defaultSet = cmdlet.NamedArguments.Where(n => n.MemberName == "DefaultParameterSetName").Select(n => (string?)n.TypedValue.Value).FirstOrDefault();
        var parameters = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
            .Select(ParameterInfoRecord.From).OfType<ParameterInfoRecord>().ToArray();
        var outputs = type.GetCustomAttributesData().Where(a => a.AttributeType.FullName == "System.Management.Automation.OutputTypeAttribute").ToArray();
        return new CmdletInfo($"{verb}-{noun}", type, defaultSet, parameters, outputs);
    }
}

internal sealed record ParameterSetEntry(string Name, bool Mandatory, int? Position, bool ByValue, bool ByPropertyName);

internal sealed record ParameterInfoRecord(string Name, Type Type, IReadOnlyList<ParameterSetEntry> Sets, IReadOnlyList<string> Aliases,
    IReadOnlyList<string> ValidateSet, PropertyInfo Property)
{
    public static ParameterInfoRecord? From(PropertyInfo property)
    {
        var attributes = property.GetCustomAttributesData();
        var sets = attributes.Where(a => a.AttributeType.FullName == "System.Management.Automation.ParameterAttribute").Select(a =>
        {
            T Named<T>(string name, T fallback) =>
                a.NamedArguments.Where(n => n.MemberName == name).Select(n => (T)n.TypedValue.Value!).DefaultIfEmpty(fallback).First();
            var position = Named("Position", int.MinValue);
            return new ParameterSetEntry(Named("ParameterSetName", CmdletInfo.AllSets), Named("Mandatory", false),
                position == int.MinValue ? null : position, Named("ValueFromPipeline", false), Named("ValueFromPipelineByPropertyName", false));
        }).ToArray();
        if (sets.Length == 0)
        {
            return null;
        }

        static IReadOnlyList<string> StringArgs(CustomAttributeData? a) => a is null
            ? []
            : a.ConstructorArguments.SelectMany(c => c.Value is ReadOnlyCollection<CustomAttributeTypedArgument> items
                ? items.Select(i => (string)i.Value!)
                : [(string)c.Value!]).ToArray();

        var aliases = StringArgs(attributes.SingleOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.AliasAttribute"));
        var validateSet = StringArgs(attributes.SingleOrDefault(a => a.AttributeType.FullName == "System.Management.Automation.ValidateSetAttribute"));
        return new ParameterInfoRecord(property.Name, property.PropertyType, sets, aliases, validateSet, property);
    }

    /// <summary>The type name PlatyPS writes in the yaml block.</summary>
    public string HelpTypeName => Type.FullName switch
    {
        "System.String" => "String",
        "System.Int32" => "Int32",
        "System.Management.Automation.SwitchParameter" => "SwitchParameter",
        _ => Type.Name,
    };

    /// <summary>What PlatyPS writes for "Accept pipeline input".</summary>
    public string PipelineInput
    {
        get
        {
            var kinds = new List<string>();
            if (Sets.Any(s => s.ByPropertyName))
            {
                kinds.Add("ByPropertyName");
            }

            if (Sets.Any(s => s.ByValue))
            {
                kinds.Add("ByValue");
            }

            return kinds.Count == 0 ? "False" : $"True ({string.Join(", ", kinds)})";
        }
    }

    /// <summary>The values completion and validation accept (ValidateSet, else the enum's names).</summary>
    public IReadOnlyList<string> AcceptedValues => ValidateSet.Count > 0
        ? ValidateSet
        : Type.IsEnum ? Type.GetFields(BindingFlags.Public | BindingFlags.Static).Select(f => f.Name).ToArray() : [];
}
