namespace AciTrace.HelpBuilder;

/// <summary>One cmdlet's help page, as read from PlatyPS-schema markdown.</summary>
public sealed record CommandHelp
{
    public string File { get; init; } = "";
    public string Name { get; init; } = "";
    public string ExternalHelpFile { get; init; } = "";
    public string ModuleName { get; init; } = "";
    public string OnlineVersion { get; init; } = "";
    public IReadOnlyList<string> Synopsis { get; init; } = [];
    public IReadOnlyList<SyntaxHelp> Syntax { get; init; } = [];
    public IReadOnlyList<string> Description { get; init; } = [];
    public IReadOnlyList<ExampleHelp> Examples { get; init; } = [];
    public IReadOnlyList<ParameterHelp> Parameters { get; init; } = [];
    public bool SupportsCommonParameters { get; init; }
    public IReadOnlyList<TypeHelp> Inputs { get; init; } = [];
    public IReadOnlyList<TypeHelp> Outputs { get; init; } = [];
    public IReadOnlyList<string> Notes { get; init; } = [];
    public IReadOnlyList<LinkHelp> Links { get; init; } = [];

    /// <summary>Verb part of the name (<c>Get</c> of <c>Get-AciPodTrace</c>).</summary>
    public string Verb => Name.Contains('-') ? Name[..Name.IndexOf('-')] : Name;

    /// <summary>Noun part of the name.</summary>
    public string Noun => Name.Contains('-') ? Name[(Name.IndexOf('-') + 1)..] : "";
}

/// <summary>A parameter set from <c>## SYNTAX</c>: its name and the syntax line.</summary>
public sealed record SyntaxHelp(string SetName, bool IsDefault, string Text);

/// <summary>An example: title, code, and the paragraphs that explain it.</summary>
public sealed record ExampleHelp(string Title, string Code, IReadOnlyList<string> Remarks);

/// <summary>A parameter: its description and one metadata block per group of parameter sets.</summary>
public sealed record ParameterHelp(string Name, IReadOnlyList<string> Description, IReadOnlyList<ParameterMetadata> Metadata);

/// <summary>The yaml block under a parameter (PlatyPS schema 2.0.0 keys).</summary>
public sealed record ParameterMetadata
{
    public string Type { get; init; } = "";
    public IReadOnlyList<string> ParameterSets { get; init; } = [];
    public IReadOnlyList<string> Aliases { get; init; } = [];
    public IReadOnlyList<string> AcceptedValues { get; init; } = [];
    public bool Required { get; init; }
    public string Position { get; init; } = "Named";
    public string DefaultValue { get; init; } = "None";
    public string PipelineInput { get; init; } = "False";
    public bool AcceptWildcards { get; init; }

    /// <summary>True when the block applies to every parameter set (<c>(All)</c>).</summary>
    public bool AllSets => ParameterSets.Count == 1 && ParameterSets[0] == "(All)";
}

/// <summary>An input or output type with its description.</summary>
public sealed record TypeHelp(string TypeName, IReadOnlyList<string> Description);

/// <summary>A related link (markdown <c>[text](uri)</c>).</summary>
public sealed record LinkHelp(string Text, string Uri);

/// <summary>The markdown does not follow the schema; the message says where and what.</summary>
public sealed class HelpFormatException(string file, string message) : Exception(message)
{
    public string File { get; } = file;
}
