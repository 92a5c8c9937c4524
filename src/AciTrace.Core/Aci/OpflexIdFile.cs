using System.Buffers.Binary;
using System.Text;

namespace AciTrace.Aci;

/// <summary>Ids of one opflex id namespace and the keys (usually policy URIs) they were allocated for.</summary>
public sealed class IdMap
{
    private readonly Dictionary<uint, string> _byId;
    private readonly Dictionary<string, uint> _byKey;

    /// <summary>An empty map.</summary>
    public static IdMap Empty { get; } = new(Array.Empty<(uint, string)>());

    /// <summary>Builds a map; a repeated id keeps its last key, a repeated key its first id.</summary>
    public IdMap(IEnumerable<(uint Id, string Key)> entries)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _byId = new Dictionary<uint, string>();
        _byKey = new Dictionary<string, uint>(StringComparer.Ordinal);
        foreach (var (id, key) in entries)
        {
            _byId[id] = key ?? "";
            _byKey.TryAdd(key ?? "", id);
        }
    }

    /// <summary>Number of ids.</summary>
    public int Count => _byId.Count;

    /// <summary>The entries ordered by id.</summary>
    public IEnumerable<(uint Id, string Key)> Entries => _byId.OrderBy(p => p.Key).Select(p => (p.Key, p.Value));

    /// <summary>Key the id was allocated for.</summary>
    public bool TryGetKey(uint id, out string key)
    {
        if (_byId.TryGetValue(id, out var k)) { key = k; return true; }
        key = "";
        return false;
    }

    /// <summary>Key the id was allocated for, or null.</summary>
    public string? KeyOf(uint id) => _byId.TryGetValue(id, out var k) ? k : null;

    /// <summary>Reverse lookup: the id allocated for a key.</summary>
    public bool TryGetId(string key, out uint id) => _byKey.TryGetValue(key ?? "", out id);
}

/// <summary>Outcome of reading an id file: the records read before any fault, plus what went wrong.</summary>
public sealed class IdFileParseResult
{
    internal IdFileParseResult(IdMap map, int? version, IReadOnlyList<string> errors, IReadOnlyList<string> warnings)
    {
        Map = map;
        FormatVersion = version;
        Errors = errors;
        Warnings = warnings;
    }

    /// <summary>The good records (all of them when <see cref="Errors"/> is empty).</summary>
    public IdMap Map { get; }
    /// <summary>Format version from the header, when the header could be read.</summary>
    public int? FormatVersion { get; }
    /// <summary>Faults that lost data or make the file unusable (bad magic, wrong version, truncated record).</summary>
    public IReadOnlyList<string> Errors { get; }
    /// <summary>Oddities that lost nothing (duplicate ids or keys, invalid UTF-8 in a key).</summary>
    public IReadOnlyList<string> Warnings { get; }
    /// <summary>True when the whole file was read without an error.</summary>
    public bool IsValid => Errors.Count == 0;
}

/// <summary>
/// The opflex agent's persisted id files (IdGenerator::persist): <c>"opflexid"</c>, uint32 version 1, then records
/// <c>{uint32 id; uint16 len; char[len]}</c>, little-endian, no terminator or padding (research/opflex-pipeline.md 5.2).
/// </summary>
public static class OpflexIdFile
{
    /// <summary>The 8-byte magic at the start of every id file.</summary>
    public static ReadOnlySpan<byte> Magic => "opflexid"u8;

    /// <summary>The only format version the agent writes.</summary>
    public const uint FormatVersion = 1;

    private const int HeaderLength = 12;
    private const int RecordHeaderLength = 6;
    private static readonly UTF8Encoding StrictUtf8 = new(false, true);

    /// <summary>Reads an id file. Never throws: faults are reported and the records before them are kept.</summary>
    public static IdFileParseResult Parse(ReadOnlySpan<byte> data)
    {
        var errors = new List<string>();
        var warnings = new List<string>();
        var entries = new List<(uint, string)>();
        if (data.Length < HeaderLength)
        {
            errors.Add($"file is {data.Length} bytes, shorter than the 12-byte header");
            return new IdFileParseResult(IdMap.Empty, null, errors, warnings);
        }
        if (!data[..8].SequenceEqual(Magic))
        {
            errors.Add("bad magic: expected \"opflexid\"");
            return new IdFileParseResult(IdMap.Empty, null, errors, warnings);
        }
        var version = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(8, 4));
        if (version != FormatVersion)
        {
            errors.Add($"unsupported format version {version} (expected {FormatVersion})");
            return new IdFileParseResult(IdMap.Empty, (int)Math.Min(version, int.MaxValue), errors, warnings);
        }

        var seenIds = new HashSet<uint>();
        var seenKeys = new HashSet<string>(StringComparer.Ordinal);
        var offset = HeaderLength;
        var index = 0;
        while (offset < data.Length)
        {
            var left = data.Length - offset;
            if (left < RecordHeaderLength)
            {
                errors.Add($"record {index} at offset {offset}: truncated header ({left} of 6 bytes)");
                break;
            }
            var id = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(offset, 4));
            var len = BinaryPrimitives.ReadUInt16LittleEndian(data.Slice(offset + 4, 2));
            if (left - RecordHeaderLength < len)
            {
                errors.Add($"record {index} (id {id}) at offset {offset}: key of {len} bytes runs past the end ({left - RecordHeaderLength} left)");
                break;
            }
            var bytes = data.Slice(offset + RecordHeaderLength, len);
            string key;
            try
            {
                key = StrictUtf8.GetString(bytes);
            }
            catch (DecoderFallbackException)
            {
                key = Encoding.UTF8.GetString(bytes);
                warnings.Add($"record {index} (id {id}): key is not valid UTF-8; invalid bytes replaced");
            }
            if (!seenIds.Add(id)) warnings.Add($"record {index}: id {id} appears again; the later key wins");
            if (!seenKeys.Add(key)) warnings.Add($"record {index}: key \"{key}\" appears again (id {id})");
            entries.Add((id, key));
            offset += RecordHeaderLength + len;
            index++;
        }
        return new IdFileParseResult(new IdMap(entries), (int)version, errors, warnings);
    }

    /// <summary>Writes an id file the way the agent does. Throws <see cref="ArgumentException"/> for a key over 65535 UTF-8 bytes.</summary>
    public static byte[] Write(IEnumerable<(uint id, string key)> records)
    {
        ArgumentNullException.ThrowIfNull(records);
        using var ms = new MemoryStream();
        ms.Write(Magic);
        Span<byte> buf = stackalloc byte[RecordHeaderLength];
        BinaryPrimitives.WriteUInt32LittleEndian(buf, FormatVersion);
        ms.Write(buf[..4]);
        foreach (var (id, key) in records)
        {
            var bytes = Encoding.UTF8.GetBytes(key ?? "");
            if (bytes.Length > ushort.MaxValue)
                throw new ArgumentException($"key of id {id} is {bytes.Length} bytes; the format allows at most 65535", nameof(records));
            BinaryPrimitives.WriteUInt32LittleEndian(buf, id);
            BinaryPrimitives.WriteUInt16LittleEndian(buf[4..], (ushort)bytes.Length);
            ms.Write(buf);
            ms.Write(bytes);
        }
        return ms.ToArray();
    }
}
