using AciTrace.Lab.Spec;

namespace AciTrace.Tests.Lab.Nodes;

/// <summary>Paths and temp state directories for lab-node tests.</summary>
internal static class LabTestSupport
{
    public static string RepoRoot
    {
        get
        {
            var d = new DirectoryInfo(AppContext.BaseDirectory);
            while (d is not null && !File.Exists(Path.Combine(d.FullName, "AciTrace.slnx"))) d = d.Parent;
            return d?.FullName ?? throw new InvalidOperationException("AciTrace.slnx not found above " + AppContext.BaseDirectory);
        }
    }

    public static string Sample(string name) => Path.Combine(RepoRoot, "samples", name);

    public static IEnumerable<string> AllSamples() => Directory.GetFiles(Path.Combine(RepoRoot, "samples"), "*.yaml").OrderBy(x => x, StringComparer.Ordinal);

    public static ResolvedCluster Load(string name) => SpecResolver.LoadFile(Sample(name));

    /// <summary>A fresh state directory under /tmp, deleted on dispose.</summary>
    /// <summary>
    /// The demo cluster plus LoadBalancer Services for the outside-in tests: jobs/job-lb (its only backend on node-a),
    /// data/db-public (its NetworkPolicy admits the shop namespace only) and kube-system/exporter-public (its only
    /// endpoint uses the host network).
    /// </summary>
    public static ResolvedCluster WithOutsideServices()
    {
        var spec = SpecResolver.LoadFile(Sample("demo-cluster.yaml")).Spec;
        spec.Services.Add(new ServiceSpec
        {
            Namespace = "jobs", Name = "job-lb", Type = "LoadBalancer", LoadBalancerIp = "172.28.100.40", ExternalTrafficPolicy = "Local",
            Selector = new() { ["app"] = "job" }, Ports = [new ServicePortSpec { Port = 8000, NodePort = 30800 }],
        });
        spec.Services.Add(new ServiceSpec
        {
            Namespace = "data", Name = "db-public", Type = "LoadBalancer", LoadBalancerIp = "172.28.100.20", Selector = new() { ["app"] = "db" },
            Ports = [new ServicePortSpec { Port = 5432 }],
        });
        spec.Services.Add(new ServiceSpec
        {
            Namespace = "kube-system", Name = "exporter-public", Type = "LoadBalancer", LoadBalancerIp = "172.28.100.30",
            Selector = new() { ["app"] = "node-exporter" }, Ports = [new ServicePortSpec { Port = 9100 }],
        });
        return SpecResolver.Resolve(spec);
    }

    public static TempDir NewStateDir() => new();

    internal sealed class TempDir : IDisposable
    {
        public string Path { get; } = Directory.CreateTempSubdirectory("acitrace-lab-").FullName;
        public void Dispose()
        {
            try { Directory.Delete(Path, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
