using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using AciTrace.Engine;

namespace AciTrace.Commands.Completion;

/// <summary>Completes -Protocol with the protocols the cmdlet being typed can trace (Arp only between pods).</summary>
public sealed class ProtocolCompleter : IArgumentCompleter
{
    /// <inheritdoc />
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var kind = commandName switch
        {
            _ when commandName.EndsWith("ServiceTrace", StringComparison.OrdinalIgnoreCase) => TraceKind.Service,
            _ when commandName.EndsWith("ExternalTrace", StringComparison.OrdinalIgnoreCase) => TraceKind.External,
            _ => TraceKind.Pod,
        };
        var word = (wordToComplete ?? "").Trim('\'', '"');
        return RequestValidator.AllowedProtocols(kind)
            .Select(p => p.ToString())
            .Where(p => p.StartsWith(word, StringComparison.OrdinalIgnoreCase))
            .Select(p => new CompletionResult(p, p, CompletionResultType.ParameterValue, p))
            .ToArray();
    }
}
