using System.Text;
using AciTrace.Aci;

namespace AciTrace.Tests.Unit.Aci;

public class OpflexIdFileTests
{
    [Fact]
    public void ReadsTheDocumentedLayout()
    {
        var r = OpflexIdFile.Parse(AciFixtures.Bytes("bridgeDomain.id"));
        Assert.True(r.IsValid, string.Join("; ", r.Errors));
        Assert.Equal(1, r.FormatVersion);
        Assert.Equal(1, r.Map.Count);
        Assert.Equal(AciFixtures.BdUri, r.Map.KeyOf(1));
        Assert.True(r.Map.TryGetId(AciFixtures.BdUri, out var id));
        Assert.Equal(1u, id);
        Assert.Null(r.Map.KeyOf(2));
    }

    [Fact]
    public void RoundTripsIncludingEmptyAndNonAsciiKeys()
    {
        var records = new (uint, string)[] { (1, ""), (2, "/PolicyUniverse/PolicySpace/kube/GbpSecGroup/a%7cb/"), (7, "zone-é"), (uint.MaxValue, new string('x', 65535)) };
        var bytes = OpflexIdFile.Write(records);
        var r = OpflexIdFile.Parse(bytes);
        Assert.True(r.IsValid);
        Assert.Empty(r.Warnings);
        Assert.Equal(records.OrderBy(x => x.Item1), r.Map.Entries.Select(e => (e.Id, e.Key)));
        Assert.Equal(OpflexIdFile.Write(r.Map.Entries.Select(e => (e.Id, e.Key))), bytes);
    }

    [Fact]
    public void WriterRejectsOversizedKeys() =>
        Assert.Throws<ArgumentException>(() => OpflexIdFile.Write(new[] { (1u, new string('x', 65536)) }));

    [Fact]
    public void EmptyFileWithHeaderOnlyIsValid()
    {
        var r = OpflexIdFile.Parse(OpflexIdFile.Write(Array.Empty<(uint, string)>()));
        Assert.True(r.IsValid);
        Assert.Equal(0, r.Map.Count);
    }

    [Fact]
    public void BadMagicAndVersionAreErrors()
    {
        var good = OpflexIdFile.Write(new[] { (1u, "a") });
        var badMagic = (byte[])good.Clone();
        badMagic[0] = (byte)'O';
        var r1 = OpflexIdFile.Parse(badMagic);
        Assert.False(r1.IsValid);
        Assert.Contains("magic", r1.Errors[0]);
        Assert.Equal(0, r1.Map.Count);

        var v2 = (byte[])good.Clone();
        v2[8] = 2;
        var r2 = OpflexIdFile.Parse(v2);
        Assert.False(r2.IsValid);
        Assert.Equal(2, r2.FormatVersion);
        Assert.Contains("version 2", r2.Errors[0]);

        Assert.False(OpflexIdFile.Parse(Encoding.ASCII.GetBytes("opflex")).IsValid);
        Assert.False(OpflexIdFile.Parse(ReadOnlySpan<byte>.Empty).IsValid);
    }

    [Fact]
    public void TruncationKeepsTheRecordsBeforeTheFault()
    {
        var bytes = OpflexIdFile.Write(new[] { (1u, "first"), (2u, "second"), (3u, "third") });
        // Cut inside the key of the third record.
        var cut = OpflexIdFile.Parse(bytes.AsSpan(0, bytes.Length - 2));
        Assert.False(cut.IsValid);
        Assert.Contains("record 2 (id 3)", cut.Errors.Single());
        Assert.Equal(new[] { "first", "second" }, cut.Map.Entries.Select(e => e.Key));

        // Cut inside the 6-byte record header.
        var headerCut = OpflexIdFile.Parse(bytes.AsSpan(0, 12 + 6 + 5 + 3));
        Assert.Contains("truncated header", headerCut.Errors.Single());
        Assert.Equal(1, headerCut.Map.Count);
    }

    [Fact]
    public void LengthPastTheEndIsAnErrorNotACrash()
    {
        var bytes = OpflexIdFile.Write(new[] { (1u, "ab") });
        bytes[16] = 0xff;
        bytes[17] = 0xff;
        var r = OpflexIdFile.Parse(bytes);
        Assert.Contains("runs past the end", r.Errors.Single());
    }

    [Fact]
    public void DuplicatesAndBadUtf8AreWarnings()
    {
        var bytes = OpflexIdFile.Write(new[] { (1u, "a"), (1u, "b"), (2u, "b") }).ToList();
        bytes.AddRange(new byte[] { 9, 0, 0, 0, 2, 0, 0xff, 0xfe });
        var r = OpflexIdFile.Parse(bytes.ToArray());
        Assert.True(r.IsValid);
        Assert.Equal(3, r.Warnings.Count);
        Assert.Equal("b", r.Map.KeyOf(1));
        Assert.Contains('\uFFFD', r.Map.KeyOf(9)!);
    }
}
