using System.IO.Compression;
using System.Security.Cryptography;
using System.Text.Json;
using AciTrace.Engine;
using AciTrace.Snapshot;

namespace AciTrace.Replay.Snapshot;

/// <summary>
/// Opens a snapshot file: reads and checks its manifest, then extracts every entry it lists into a folder, each
/// checked against its size and SHA-256 before it is used. Entry names are checked too (relative, no <c>..</c>), and
/// an entry the manifest does not list makes the file invalid.
/// </summary>
internal static class SnapshotArchive
{
    public static SnapshotManifest Extract(string path, string folder)
    {
        if (!File.Exists(path))
        {
            throw new AciTraceException(ErrorIds.SnapshotNotFound, AciErrorKind.ObjectNotFound,
                $"The snapshot file {path} does not exist. Write one with Save-AciSnapshot -Path {path}.", path);
        }
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var manifest = ReadManifest(zip, path);
            var listed = manifest.Files.ToDictionary(f => f.Path, StringComparer.Ordinal);
            foreach (var entry in zip.Entries.Where(e => e.FullName != SnapshotLayout.ManifestEntry))
            {
                if (!listed.ContainsKey(entry.FullName)) throw Invalid(path, $"the entry {entry.FullName} is not listed in its manifest");
            }
            var root = Path.GetFullPath(folder);
            foreach (var file in manifest.Files)
            {
                var target = SafePath(root, file.Path) ?? throw Invalid(path, $"the entry name {file.Path} is not a safe relative path");
                var entry = zip.GetEntry(file.Path) ?? throw Invalid(path, $"the entry {file.Path} is missing");
                if (entry.Length != file.Bytes) throw Invalid(path, $"the entry {file.Path} has {entry.Length} bytes, its manifest says {file.Bytes}");
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                using (var input = entry.Open())
                using (var output = File.Create(target))
                    input.CopyTo(output);
                using var written = File.OpenRead(target);
                if (written.Length != file.Bytes || Convert.ToHexString(SHA256.HashData(written)).ToLowerInvariant() != file.Sha256)
                    throw Invalid(path, $"the entry {file.Path} does not match its checksum");
            }
            return manifest;
        }
        catch (InvalidDataException e)
        {
            throw Invalid(path, "it is not a zip file: " + e.Message, e);
        }
        catch (JsonException e)
        {
            throw Invalid(path, "its manifest is not valid: " + e.Message, e);
        }
    }

    /// <summary>
    /// One entry of a snapshot, checked against its manifest, without extracting the rest (tab completion reads the
    /// Kubernetes lists this way).
    /// </summary>
    public static (SnapshotManifest Manifest, byte[] Bytes) ReadEntry(string path, string name)
    {
        if (!File.Exists(path)) throw new AciTraceException(ErrorIds.SnapshotNotFound, AciErrorKind.ObjectNotFound, $"The snapshot file {path} does not exist.", path);
        try
        {
            using var zip = ZipFile.OpenRead(path);
            var manifest = ReadManifest(zip, path);
            var file = manifest.Files.FirstOrDefault(f => f.Path == name) ?? throw Invalid(path, $"its manifest lists no {name}");
            var entry = zip.GetEntry(name) ?? throw Invalid(path, $"the entry {name} is missing");
            if (entry.Length != file.Bytes) throw Invalid(path, $"the entry {name} has {entry.Length} bytes, its manifest says {file.Bytes}");
            using var stream = entry.Open();
            using var buffer = new MemoryStream((int)Math.Min(file.Bytes, int.MaxValue));
            stream.CopyTo(buffer);
            var bytes = buffer.ToArray();
            if (Convert.ToHexString(SHA256.HashData(bytes)).ToLowerInvariant() != file.Sha256) throw Invalid(path, $"the entry {name} does not match its checksum");
            return (manifest, bytes);
        }
        catch (InvalidDataException e)
        {
            throw Invalid(path, "it is not a zip file: " + e.Message, e);
        }
        catch (JsonException e)
        {
            throw Invalid(path, "its manifest is not valid: " + e.Message, e);
        }
    }

    private static SnapshotManifest ReadManifest(ZipArchive zip, string path)
    {
        var entry = zip.GetEntry(SnapshotLayout.ManifestEntry) ?? throw Invalid(path, $"it has no {SnapshotLayout.ManifestEntry}");
        using var stream = entry.Open();
        var manifest = JsonSerializer.Deserialize<SnapshotManifest>(stream, SnapshotJson.Options) ?? throw Invalid(path, "its manifest is empty");
        if (manifest.Format != SnapshotLayout.Format)
            throw Invalid(path, $"its format is '{manifest.Format}', this AciTrace reads '{SnapshotLayout.Format}'");
        if (manifest.Files is null || manifest.Nodes is null || manifest.Objects is null) throw Invalid(path, "its manifest misses files, nodes or objects");
        return manifest;
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
