using System.Diagnostics;
using AciTrace.Discovery;
using AciTrace.Kube;
using AciTrace.Packets;

namespace AciTrace.Tests.Unit.Engine;

[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public sealed class TraceBatchScriptTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("acitrace-batch-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static TraceCommand Trace(string bridge, string flow, params string[] states) =>
        new(bridge, flow, states.SelectMany(s => new[] { "--ct-next", s }).ToList());

    /// <summary>Runs the registered script with real /bin/sh and an ovs-appctl that prints its arguments (and fails for in_port=9).</summary>
    private string Run(IReadOnlyList<TraceCommand> traces)
    {
        var shim = Path.Combine(_dir, "ovs-appctl");
        File.WriteAllText(shim, "#!/bin/sh\ncase \"$3\" in *in_port=9*) echo 'ovs-appctl: no such port' >&2; exit 2;; esac\necho \"bridge(\\\"$2\\\") args:$*\"\n");
        File.SetUnixFileMode(shim, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.UserWrite);
        var argv = TraceBatchScript.Argv(traces);
        Assert.True(ReadOnlyCommandPolicy.IsAllowed(argv, out var why), why);
        var psi = new ProcessStartInfo(argv[0]) { RedirectStandardOutput = true, RedirectStandardInput = true };
        foreach (var a in argv.Skip(1)) psi.ArgumentList.Add(a);
        psi.Environment["PATH"] = _dir + ":/usr/bin:/bin";
        using var p = Process.Start(psi)!;
        p.StandardInput.Close();
        var output = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        Assert.Equal(0, p.ExitCode);
        return output;
    }

    [Fact]
    public void EachTraceRunsWithItsOwnArgumentsAndStatus()
    {
        var traces = new[]
        {
            Trace("br-access", "in_port=veth1,tcp,nw_src=10.2.0.10,nw_dst=10.2.0.11,tcp_dst=80"),
            Trace("br-int", "in_port=9,tcp,nw_dst=10.2.0.11", "trk,new"),
            Trace("br-int", "in_port=vxlan0,tun_id=0x8c8010,tcp", "trk,est", "trk,est,rpl", "trk,rel"),
        };
        var results = TraceBatchScript.Parse(Run(traces), traces.Length);
        Assert.Equal(0, results[0]!.Value.Status);
        Assert.Contains("args:ofproto/trace br-access in_port=veth1,tcp,nw_src=10.2.0.10,nw_dst=10.2.0.11,tcp_dst=80\n", results[0]!.Value.Output);
        Assert.Equal(2, results[1]!.Value.Status);
        Assert.Contains("no such port", results[1]!.Value.Output);
        Assert.Equal(0, results[2]!.Value.Status);
        Assert.Contains("args:ofproto/trace br-int in_port=vxlan0,tun_id=0x8c8010,tcp --ct-next trk,est --ct-next trk,est,rpl --ct-next trk,rel", results[2]!.Value.Output);
    }

    [Fact]
    public void CutOutputLeavesTheMissingTracesNull()
    {
        var results = TraceBatchScript.Parse("\n@@ACITRACE trace 1\nbridge(\"br-int\")\n\n@@ACITRACE status 0\n\n@@ACITRACE trace 2\nbridge(", 2);
        Assert.NotNull(results[0]);
        Assert.Null(results[1]);
    }

    [Fact]
    public void OnlyWellFormedTracesAreAllowed()
    {
        var ok = TraceBatchScript.Argv(new[] { Trace("br-int", "in_port=1,tcp") });
        Assert.True(ReadOnlyCommandPolicy.IsAllowed(ok, out var why), why);
        var injected = TraceBatchScript.Argv(new[] { Trace("br-int", "in_port=1;reboot") });
        Assert.False(ReadOnlyCommandPolicy.IsAllowed(injected, out _));
        var badState = TraceBatchScript.Argv(new[] { Trace("br-int", "in_port=1,tcp", "trk|est") });
        Assert.False(ReadOnlyCommandPolicy.IsAllowed(badState, out _));
        var wrongCount = new[] { "/bin/sh", "-c", TraceBatchScript.Text, "sh", "br-int", "in_port=1,tcp", "2", "trk" };
        Assert.False(ReadOnlyCommandPolicy.IsAllowed(wrongCount, out _));
        var tooMany = TraceBatchScript.Argv(Enumerable.Repeat(Trace("br-int", "in_port=1,tcp"), TraceBatchScript.MaxTraces + 1).ToList());
        Assert.False(ReadOnlyCommandPolicy.IsAllowed(tooMany, out _));
        Assert.False(TraceBatchScript.Fits(Trace("br-int", "in_port=1,tcp", "trk", "trk", "trk", "trk")));
    }
}
