using System.Text;
using System.Text.Json;
using AciTrace.Kube;

namespace AciTrace.Replay.Exec;

/// <summary>
/// A node's policy database as the opflex agent's inspector serves it to <c>gbp_inspect</c>: class and class+URI
/// queries, each object's subtree with <c>-r</c>, and with <c>-f</c> the objects its references name (queried again
/// the same way, until nothing new turns up, as libopflex's InspectorClientImpl does). Answers in dump form, objects
/// in the order of the node's dump file. Loaded once per file version, like the agent holds its MODB in memory.
/// </summary>
public sealed class PolicyDatabase
{
    private readonly byte[] _raw;
    private readonly List<Entry> _objects = [];
    private readonly Dictionary<string, int> _byUri = new(StringComparer.Ordinal);
    private readonly Dictionary<string, List<int>> _bySubject = new(StringComparer.Ordinal);

    private sealed record Entry(string Subject, string Uri, string? ParentUri, IReadOnlyList<string> Children, IReadOnlyList<string> References, string Json);

    private PolicyDatabase(byte[] raw, DateTime written)
    {
        _raw = raw;
        Written = written;
    }

    /// <summary>When the dump file it was read from was written (UTC).</summary>
    public DateTime Written { get; }

    /// <summary>Reads a dump file (a JSON array of objects); throws <see cref="JsonException"/> when it is not one.</summary>
    public static PolicyDatabase Load(byte[] raw, DateTime written = default)
    {
        var db = new PolicyDatabase(raw, written);
        using var doc = JsonDocument.Parse(raw);
        if (doc.RootElement.ValueKind != JsonValueKind.Array) throw new JsonException("the policy dump is not a JSON array");
        foreach (var o in doc.RootElement.EnumerateArray())
        {
            if (o.ValueKind != JsonValueKind.Object) continue;
            string subject = Text(o, "subject") ?? "";
            string uri = Text(o, "uri") ?? "";
            var children = o.TryGetProperty("children", out var c) && c.ValueKind == JsonValueKind.Array
                ? c.EnumerateArray().Where(x => x.ValueKind == JsonValueKind.String).Select(x => x.GetString()!).ToList()
                : [];
            var references = new List<string>();
            if (o.TryGetProperty("properties", out var props) && props.ValueKind == JsonValueKind.Array)
                foreach (var p in props.EnumerateArray())
                    if (p.ValueKind == JsonValueKind.Object && p.TryGetProperty("data", out var data) && data.ValueKind == JsonValueKind.Object
                        && Text(data, "reference_uri") is { } target)
                        references.Add(target);
            int index = db._objects.Count;
            db._objects.Add(new Entry(subject, uri, Text(o, "parent_uri"), children, references, o.GetRawText()));
            db._byUri.TryAdd(uri, index);
            if (!db._bySubject.TryGetValue(subject, out var list)) db._bySubject[subject] = list = [];
            list.Add(index);
        }
        return db;
    }

    private static string? Text(JsonElement o, string name) =>
        o.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;

    /// <summary>The answer to a parsed command line, as <c>-t dump</c> prints it.</summary>
    public byte[] Dump(GbpInspectArguments args)
    {
        if (args.Recursive && args.Queries.All(q => q is { ClassName: "DmtreeRoot", Uri: null })) return _raw;
        var selected = new SortedSet<int>();
        var pending = new Queue<int>();
        void Add(int index)
        {
            if (!selected.Add(index)) return;
            pending.Enqueue(index);
            if (args.Recursive)
                foreach (string child in _objects[index].Children)
                    if (_byUri.TryGetValue(child, out int c)) Add(c);
        }
        foreach (var q in args.Queries)
        {
            if (q.Uri is not null)
            {
                if (_byUri.TryGetValue(q.Uri, out int i) && _objects[i].Subject == q.ClassName) Add(i);
            }
            else if (q.ClassName == "DmtreeRoot" && !_bySubject.ContainsKey("DmtreeRoot"))
            {
                // The dump files hold the tree below the root: its top objects are the root's children.
                for (int i = 0; i < _objects.Count; i++)
                    if (_objects[i].ParentUri is null) Add(i);
            }
            else if (_bySubject.TryGetValue(q.ClassName, out var all))
            {
                foreach (int i in all) Add(i);
            }
        }
        while (args.FollowReferences && pending.Count > 0)
            foreach (string target in _objects[pending.Dequeue()].References)
                if (_byUri.TryGetValue(target, out int t)) Add(t);
        var text = new StringBuilder("[\n");
        bool first = true;
        foreach (int i in selected)
        {
            if (!first) text.Append(",\n");
            text.Append(_objects[i].Json);
            first = false;
        }
        text.Append("\n]\n");
        return Encoding.UTF8.GetBytes(text.ToString());
    }
}
