using System.Collections;
using System.Management.Automation;

namespace AciTrace.Commands;

/// <summary>
/// Lets a Kubernetes object stand for its <c>namespace/name</c>: a pod from
/// <c>kubectl get pods -o json | ConvertFrom-Json | ForEach-Object items</c> (name and namespace are nested under
/// <c>metadata</c>, so by-property-name binding cannot reach them), the same with <c>-AsHashtable</c>, or any object
/// with flat <c>Name</c>/<c>Namespace</c> properties. Strings pass through unchanged.
/// </summary>
/// <remarks>
/// PowerShell runs argument transformations before its "does the type already match" test, in every pipeline pass.
/// So a piped pod object becomes a string and binds ByValue. Any other object (a CSV row with Source/Destination or
/// SourceName/DestinationName columns) must not bind ByValue: PowerShell's coercing pass would turn it into the text
/// "@{Source=...}" and pick the wrong parameter set. It becomes a <see cref="NotAReference"/>, which no pass can
/// convert to a string, so the row is bound by property name instead.
/// </remarks>
[AttributeUsage(AttributeTargets.Property | AttributeTargets.Field)]
internal sealed class KubeObjectReferenceAttribute : ArgumentTransformationAttribute
{
    public KubeObjectReferenceAttribute(KubeObjectKind kind) => Kind = kind;

    /// <summary>The object kind accepted (an object whose <c>kind</c> field names another kind is left alone).</summary>
    public KubeObjectKind Kind { get; }

    /// <inheritdoc />
    public override object? Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        var value = inputData is PSObject pso ? pso.BaseObject : inputData;
        if (value is null or string)
        {
            return inputData;
        }

        return ObjectReferenceReader.TryRead(inputData, Kind) ?? (object)new NotAReference(value);
    }
}

/// <summary>
/// What a piped object that names no Kubernetes object becomes for a reference parameter: it cannot be converted to
/// a string (its <see cref="ToString"/> throws), so ByValue binding fails quietly and by-property-name binding follows.
/// </summary>
internal sealed class NotAReference
{
    public NotAReference(object value) => Value = value;

    /// <summary>The piped object.</summary>
    public object Value { get; }

    public override string ToString() =>
        throw new PSInvalidCastException($"A {Value.GetType().Name} does not name a Kubernetes object by itself; it is bound by its properties.");
}

/// <summary>Reads <c>namespace/name</c> out of Kubernetes-shaped objects (PSObject, hashtable or CLR object).</summary>
internal static class ObjectReferenceReader
{
    /// <summary>The reference text, or null when <paramref name="input"/> is not an object of <paramref name="kind"/>.</summary>
    public static string? TryRead(object? input, KubeObjectKind kind)
    {
        var value = input is PSObject pso ? pso.BaseObject : input;
        if (value is null or string || value.GetType().IsPrimitive)
        {
            return null;
        }

        var kindField = Member(input, "kind") as string;
        if (kindField is not null && !string.Equals(kindField, kind.ToString(), StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var metadata = Member(input, "metadata");
        var name = AsText(metadata is null ? Member(input, "Name") : Member(metadata, "name"));
        if (string.IsNullOrEmpty(name))
        {
            return null;
        }

        var ns = AsText(metadata is null ? Member(input, "Namespace") : Member(metadata, "namespace"));
        return string.IsNullOrEmpty(ns) ? name : ns + "/" + name;
    }

    private static string? AsText(object? value) => (value is PSObject p ? p.BaseObject : value) as string;

    private static object? Member(object? owner, string name)
    {
        switch (owner is PSObject p && p.BaseObject is IDictionary ? p.BaseObject : owner)
        {
            case null:
                return null;
            case IDictionary dictionary:
                foreach (DictionaryEntry entry in dictionary)
                {
                    if (entry.Key is string key && string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                    {
                        return entry.Value;
                    }
                }

                return null;
            default:
                // PSObject.Properties is case-insensitive and sees both CLR properties and note properties.
                return PSObject.AsPSObject(owner).Properties[name]?.Value;
        }
    }
}
