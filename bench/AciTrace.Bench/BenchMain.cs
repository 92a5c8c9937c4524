namespace AciTrace.Bench;

/// <summary>Benchmarks print ratios against a baseline measured in the same process.</summary>
public static class BenchMain
{
    public static int Run(string[] args)
    {
        if (args.Length > 0 && args[0] == "parse") return ParseBench.Run(args[1..]);
        if (args.Length > 0 && args[0] == "trace") return TraceBench.Run(args[1..]);
        if (args.Length > 0 && args[0] == "scale") return ScaleBench.Run(args[1..]);
        if (args.Length > 0 && args[0] == "lab") return ScaleBench.Hold(args[1..]);
        if (args.Length > 0 && args[0] == "connectivity") return ConnectivityBench.Run(args[1..]);
        if (args.Length > 0 && args[0] == "snapshot") return SnapshotBench.Run(args[1..]);
        Console.WriteLine("usage: dotnet run -c Release --project bench/AciTrace.Bench -- parse | trace [spec.yaml] | scale [pods] | connectivity | snapshot [pods...] | lab [pods] [state-dir]");
        return args.Length == 0 ? 2 : 0;
    }

    /// <summary>The checkout the benchmark runs from (the folder holding AciTrace.slnx).</summary>
    internal static string RepoRoot()
    {
        var d = new DirectoryInfo(AppContext.BaseDirectory);
        while (d is not null && !File.Exists(Path.Combine(d.FullName, "AciTrace.slnx"))) d = d.Parent;
        return d?.FullName ?? Directory.GetCurrentDirectory();
    }
}
