using AciTrace.Engine;
using AciTrace.Kube;
using AciTrace.Lab.Spec;
using AciTrace.Tests.Lab.Nodes;
using Xunit.Abstractions;

namespace AciTrace.Tests.Lab.Tracing;

/// <summary>
/// No command outside <see cref="ReadOnlyCommandPolicy"/> is ever sent: every demo scenario (request and reply) runs
/// through a recording client, and both the argv the session asked for and the commands the lab API received are
/// checked against the allowlist.
/// </summary>
[Collection(DemoLabCollection.Name)]
public sealed class LiveTraceAllowlistTests(LabTraceFixture lab, ITestOutputHelper output)
{
    [Fact]
    public async Task EveryScenarioSendsOnlyAllowlistedReadOnlyCommands()
    {
        var logStart = lab.Env.Api.ExecLog.Count;
        var recorder = new RecordingKubeClient(new KubectlClient(lab.Options));
        await using var session = TraceSessionFactory.Create(recorder);
        var scenarios = SpecResolver.LoadFile(LabTestSupport.Sample("demo-cluster.yaml")).Spec.Scenarios;
        Assert.NotEmpty(scenarios);
        foreach (var s in scenarios)
        {
            var result = await LabTraceFixture.RunAsync(session, LiveTraceScenarioTests.RequestFor(lab.Cluster, s, reply: true));
            Assert.NotEmpty(result.Summaries);
        }

        var sent = recorder.ExecArgv;
        output.WriteLine($"{scenarios.Count} scenarios, {sent.Count} execs, {recorder.Calls.Count - sent.Count} other calls");
        Assert.NotEmpty(sent);
        foreach (var argv in sent)
            Assert.True(ReadOnlyCommandPolicy.IsAllowed(argv, out var why), $"sent a command outside the allowlist ({why}): {CommandLineText.Format(argv)}");
        // Node facts and ofproto/trace were both exercised (so the check above covers both command families).
        Assert.Contains(sent, a => RecordingKubeClient.TraceFlowOf(a) is not null);
        Assert.Contains(sent, a => RecordingKubeClient.TraceFlowOf(a) is null);

        var received = lab.Env.Api.ExecLog.Skip(logStart).ToList();
        Assert.Equal(sent.Count, received.Count);
        foreach (var record in received)
        {
            Assert.True(ReadOnlyCommandPolicy.IsAllowed(record.Argv, out var why),
                $"the lab received a command outside the allowlist ({why}): {CommandLineText.Format(record.Argv)}");
            Assert.True(record.ExitCode == 0, $"exit {record.ExitCode?.ToString() ?? "none"}: {record.Namespace}/{record.Pod} {CommandLineText.Format(record.Argv)}");
        }
        // What arrived is exactly what the session sent (no argv was rewritten on the way).
        Assert.Equal(sent.Select(CommandLineText.Format).Order(StringComparer.Ordinal), received.Select(r => CommandLineText.Format(r.Argv)).Order(StringComparer.Ordinal));
    }
}
