using System.Diagnostics;

namespace AciTrace.Tests.Unit.Packets;

/// <summary>
/// A private Open vSwitch 3.1 instance (userspace dummy datapath) in a temp directory, started as in
/// lab-feasibility.md §1.2, with bridge <c>br-t</c> holding ports <c>veth5a3b1c2d</c> (1), <c>pod-b</c> (2) and
/// <c>vxlan0</c> (200). Construction throws (so the tests fail, never skip) when OVS is missing.
/// </summary>
public sealed class PrivateOvs : IDisposable
{
    public const string Bridge = "br-t";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(20);

    public PrivateOvs()
    {
        foreach (var tool in new[] { "/usr/sbin/ovsdb-server", "/usr/sbin/ovs-vswitchd", "/usr/bin/ovs-vsctl", "/usr/bin/ovs-appctl", "/usr/bin/ovsdb-tool" })
        {
            if (!File.Exists(tool))
                throw new InvalidOperationException($"Open vSwitch is required for this test but {tool} is missing (apt-get install openvswitch-switch).");
        }
        RunDir = Directory.CreateTempSubdirectory("acitrace-packets-ovs-").FullName;
        try
        {
            Run("/usr/bin/ovsdb-tool", "create", Path.Combine(RunDir, "conf.db"), "/usr/share/openvswitch/vswitch.ovsschema");
            Run("/usr/sbin/ovsdb-server", Path.Combine(RunDir, "conf.db"), "--detach", "--no-chdir", "--pidfile", "--log-file",
                "-vconsole:off", "--remote=punix:" + Path.Combine(RunDir, "db.sock"));
            Run("/usr/bin/ovs-vsctl", "--no-wait", "--", "init");
            Run("/usr/sbin/ovs-vswitchd", "--enable-dummy", "--disable-system", "--disable-system-route", "--detach", "--no-chdir",
                "--pidfile", "--log-file", "-vconsole:off");
            Run("/usr/bin/ovs-vsctl",
                "--", "add-br", Bridge, "--", "set", "bridge", Bridge, "datapath_type=dummy", "fail_mode=secure",
                "--", "add-port", Bridge, "veth5a3b1c2d", "--", "set", "interface", "veth5a3b1c2d", "type=dummy", "ofport_request=1",
                "--", "add-port", Bridge, "pod-b", "--", "set", "interface", "pod-b", "type=dummy", "ofport_request=2",
                "--", "add-port", Bridge, "vxlan0", "--", "set", "interface", "vxlan0", "type=vxlan",
                "options:remote_ip=flow", "options:key=flow", "ofport_request=200");
        }
        catch
        {
            Dispose();
            throw;
        }
    }

    public string RunDir { get; }

    /// <summary>Runs <c>ovs-appctl ofproto/trace br-t FLOW [options]</c>.</summary>
    public (int ExitCode, string Stdout, string Stderr) Trace(string flow, params string[] options)
    {
        var args = new List<string> { "ofproto/trace", Bridge, flow };
        args.AddRange(options);
        return Exec("/usr/bin/ovs-appctl", args);
    }

    public (int ExitCode, string Stdout, string Stderr) Exec(string program, IEnumerable<string> args)
    {
        var psi = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var a in args) psi.ArgumentList.Add(a);
        foreach (var v in new[] { "OVS_RUNDIR", "OVS_LOGDIR", "OVS_DBDIR", "OVS_SYSCONFDIR" }) psi.Environment[v] = RunDir;
        using var process = Process.Start(psi) ?? throw new InvalidOperationException("could not start " + program);
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(CommandTimeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', args)} did not finish in {CommandTimeout}");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }

    private void Run(string program, params string[] args)
    {
        var (code, stdout, stderr) = Exec(program, args);
        if (code != 0)
            throw new InvalidOperationException($"{program} {string.Join(' ', args)} failed with {code}: {stdout}{stderr}");
    }

    public void Dispose()
    {
        foreach (var pidFile in new[] { "ovs-vswitchd.pid", "ovsdb-server.pid" })
        {
            try
            {
                string path = Path.Combine(RunDir, pidFile);
                if (!File.Exists(path)) continue;
                int pid = int.Parse(File.ReadAllText(path).Trim());
                using var p = Process.GetProcessById(pid);
                p.Kill();
                p.WaitForExit(5000);
            }
            catch (ArgumentException)
            {
                // already gone
            }
            catch (InvalidOperationException)
            {
                // already gone
            }
        }
        try { Directory.Delete(RunDir, recursive: true); }
        catch (IOException) { }
        catch (UnauthorizedAccessException) { }
    }
}
