namespace AciTrace.Lab;

/// <summary>Entry point of the lab command line (up / status / down).</summary>
public static class LabCli
{
    public static Task<int> RunAsync(string[] args)
    {
        Console.Error.WriteLine("usage: AciTrace.Lab up <spec> [--state-dir D] [--port P] | status | down");
        return Task.FromResult(2);
    }
}
