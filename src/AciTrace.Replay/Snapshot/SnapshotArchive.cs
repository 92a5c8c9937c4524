using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using AciTrace.Engine;
using AciTrace.Packets;
using AciTrace.Snapshot;

namespace AciTrace.Replay.Snapshot;

/// <summary>
/// Opens a snapshot file, which may come from anyone (a support case): reads and checks its manifest, then extracts
/// every entry it lists into a folder, each checked against its size and SHA-256 before it is used. Only the layout
/// a snapshot has is accepted (<see cref="IsKnownEntry"/>: known folders, nodes the manifest names, safe relative
/// names), an entry the manifest does not list makes the file invalid, and sizes are bounded (the manifest, the sum
/// of the entries, the number of entries, the compression ratio) so that a crafted file cannot fill the disk.
/// </summary>
internal static class SnapshotArchive
{
    private const long MaxManifestBytes = 64L << 20;
    private const long MaxTotalBytes = 16L << 30;
    private const int MaxEntries = 1_000_000;
    private const long MaxEntryBytes = 1L << 30;
    /// <summary>Text compresses well, but not by more than this; deflate bombs do.</summary>
    private const long MaxCompressionRatio = 200;

    public static SnapshotManifest Extract(string path, string folder, CancellationToken ct = default) => WithZip(path, zip =>
    {
        var manifest = ReadManifest(zip, path);
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var file in manifest.Files)
        {
            if (!listed.Add(file.Path)) throw Invalid(path, $"its manifest lists {file.Path} twice");
            if (!IsKnownEntry(manifest, file.Path)) throw Invalid(path, $"the entry {file.Path} is not part of a snapshot's layout");
        }
        if (listed.Count > MaxEntries || manifest.Files.Sum(f => f.Bytes) > MaxTotalBytes)
            throw Invalid(path, $"it declares more than {MaxEntries} entries or {MaxTotalBytes >> 30} GiB");
        foreach (var entry in zip.Entries.Where(e => e.FullName != SnapshotLayout.ManifestEntry))
        {
            if (!listed.Contains(entry.FullName)) throw Invalid(path, $"the entry {entry.FullName} is not listed in its manifest");
        }
        var root = Path.GetFullPath(folder);
        foreach (var file in manifest.Files)
        {
            ct.ThrowIfCancellationRequested();
            var target = SafePath(root, file.Path) ?? throw Invalid(path, $"the entry name {file.Path} is not a safe relative path");
            var entry = zip.GetEntry(file.Path) ?? throw Invalid(path, $"the entry {file.Path} is missing");
            var bytes = Read(entry, file, path);
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.WriteAllBytes(target, bytes);
        }
        return manifest;
    });

    /// <summary>
    /// One entry of a snapshot, checked against its manifest, without extracting the rest (tab completion reads the
    /// Kubernetes lists this way).
    /// </summary>
    public static (SnapshotManifest Manifest, byte[] Bytes) ReadEntry(string path, string name) => WithZip(path, zip =>
    {
        var manifest = ReadManifest(zip, path);
        var file = manifest.Files.FirstOrDefault(f => f.Path == name) ?? throw Invalid(path, $"its manifest lists no {name}");
        var entry = zip.GetEntry(name) ?? throw Invalid(path, $"the entry {name} is missing");
        return (manifest, Read(entry, file, path));
    });

    /// <summary>Reads the zip at <paramref name="path"/>; a missing file, a file that is not a zip or a broken manifest are the snapshot errors.</summary>
    private static T WithZip<T>(string path, Func<ZipArchive, T> read)
    {
        if (!File.Exists(path))
        {
            throw new AciTraceException(ErrorIds.SnapshotNotFound, AciErrorKind.ObjectNotFound,
                $"The snapshot file {path} does not exist. Write one with Save-AciSnapshot -Path {path}.", path);
        }
        try
        {
            using var zip = ZipFile.OpenRead(path);
            return read(zip);
        }
        catch (InvalidDataException e)
        {
            throw Invalid(path, "it is not a zip file: " + e.Message, e);
        }
        catch (JsonException e)
        {
            throw Invalid(path, "its manifest is not valid: " + e.Message, e);
        }
        catch (IOException e)
        {
            throw Invalid(path, e.Message, e);
        }
    }

    /// <summary>An entry's bytes, read no further than its declared size, checked against its size and checksum.</summary>
    private static byte[] Read(ZipArchiveEntry entry, SnapshotFile file, string path)
    {
        if (entry.Length != file.Bytes) throw Invalid(path, $"the entry {file.Path} has {entry.Length} bytes, its manifest says {file.Bytes}");
        if (file.Bytes > MaxEntryBytes) throw Invalid(path, $"the entry {file.Path} is larger than {MaxEntryBytes >> 30} GiB");
        if (file.Bytes > 1 << 20 && file.Bytes > MaxCompressionRatio * Math.Max(1, entry.CompressedLength))
            throw Invalid(path, $"the entry {file.Path} is compressed more than {MaxCompressionRatio} to 1, which no snapshot is");
        using var stream = entry.Open();
        var bytes = new byte[file.Bytes];
        stream.ReadExactly(bytes);
        if (stream.ReadByte() >= 0) throw Invalid(path, $"the entry {file.Path} holds more than its {file.Bytes} bytes");
        if (Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant() != file.Sha256) throw Invalid(path, $"the entry {file.Path} does not match its checksum");
        return bytes;
    }

    private static SnapshotManifest ReadManifest(ZipArchive zip, string path)
    {
        var entry = zip.GetEntry(SnapshotLayout.ManifestEntry) ?? throw Invalid(path, $"it has no {SnapshotLayout.ManifestEntry}");
        if (entry.Length > MaxManifestBytes) throw Invalid(path, $"its manifest is larger than {MaxManifestBytes >> 20} MiB");
        using var stream = entry.Open();
        var manifest = JsonSerializer.Deserialize<SnapshotManifest>(stream, SnapshotJson.Options) ?? throw Invalid(path, "its manifest is empty");
        if (manifest.Format != SnapshotLayout.Format)
            throw Invalid(path, $"its format is '{manifest.Format}', this AciTrace reads '{SnapshotLayout.Format}'");
        if (manifest.Files is null || manifest.Nodes is null || manifest.Objects is null || manifest.Files.Any(f => f?.Path is null || f.Sha256 is null || f.Bytes < 0)
            || manifest.Nodes.Any(n => n?.Name is null))
            throw Invalid(path, "its manifest misses files, nodes or objects");
        foreach (var node in manifest.Nodes)
        {
            if (!InputValidation.IsValidKubernetesName(node.Name, KubernetesNameKind.Node, out _)) throw Invalid(path, $"its manifest names a node '{node.Name}' that is not a node name");
        }
        return manifest;
    }

    /// <summary>
    /// Whether <paramref name="name"/> is an entry a snapshot has: a Kubernetes list, or below a node the manifest
    /// names its recorded OVS answers, its policy objects or its agent files (the folders the tracer reads).
    /// </summary>
    internal static bool IsKnownEntry(SnapshotManifest manifest, string name)
    {
        if (SnapshotLayout.Resources.Any(r => SnapshotLayout.KubeEntry(r) == name)) return true;
        var parts = name.Split('/');
        if (parts.Length < 3 || parts[0] != SnapshotLayout.NodesFolder || !manifest.Nodes.Any(n => n.Name == parts[1])) return false;
        var below = parts[2..];
        return below switch
        {
            [SnapshotLayout.PolicyDumpFileName] => true,
            [SnapshotLayout.DatapathFolder, var file] => file == SnapshotLayout.PortsFileName
                || SnapshotLayout.DumpVerbs.Any(v => SnapshotLayout.Bridges.Any(b => SnapshotLayout.DumpFileName(v, b) == file)),
            [SnapshotLayout.AgentDirectoryName, var folder, var file] => SnapshotLayout.IsAgentFile(folder + "/" + file),
            _ => false,
        };
    }

    /// <summary>The full path of a relative entry name inside <paramref name="root"/>, or null when it would leave it.</summary>
    internal static string? SafePath(string root, string name)
    {
        if (name.Length == 0 || name.StartsWith('/') || name.Contains('\\') || name.Contains(':') || name.Split('/').Any(s => s is "" or "." or ".."))
            return null;
        var full = Path.GetFullPath(Path.Combine(root, name));
        return full.StartsWith(root + Path.DirectorySeparatorChar, StringComparison.Ordinal) ? full : null;
    }

    private static AciTraceException Invalid(string path, string why, Exception? inner = null) =>
        new(ErrorIds.SnapshotInvalid, AciErrorKind.InvalidData, $"{path} is not a snapshot AciTrace can read: {why}. Take it again with Save-AciSnapshot.", path, inner);
}
