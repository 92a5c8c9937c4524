using System.Text.Json;
using AciTrace.Discovery;

namespace AciTrace.Tests.Unit.Engine;

public sealed class PodInfoTests
{
    [Fact]
    public void APodBeingDeletedIsTerminatingWhileItsPhaseStillSaysRunning()
    {
        const string json = """{"metadata":{"namespace":"shop","name":"web-1","uid":"u","deletionTimestamp":"2026-12-04T10:00:00Z"},"spec":{"nodeName":"node-a"},"status":{"phase":"Running","podIP":"10.2.0.10"}}""";
        using var doc = JsonDocument.Parse(json);
        var pod = PodInfo.FromJson(doc.RootElement);
        Assert.Equal("Running", pod.Phase);
        Assert.True(pod.Terminating);
        using var live = JsonDocument.Parse(json.Replace(",\"deletionTimestamp\":\"2026-12-04T10:00:00Z\"", "", StringComparison.Ordinal));
        Assert.False(PodInfo.FromJson(live.RootElement).Terminating);
    }
}
