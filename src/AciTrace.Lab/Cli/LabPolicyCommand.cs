using System.Text.Json.Nodes;

namespace AciTrace.Lab.Cli;

/// <summary><c>policy</c>: sends a policy change to the running lab (PUT /aci-lab/policy) and prints what it applied.</summary>
internal static class LabPolicyCommand
{
    private const string Endpoint = "aci-lab/policy";

    public static async Task<int> RunAsync(LabCliArguments args, TextWriter stdout, TextWriter stderr)
    {
        string dir = args.StateDirectory;
        if (LabStateFile.TryReadRunning(dir) is not { } state)
        {
            await stderr.WriteLineAsync($"aci-lab: no lab running in {dir}").ConfigureAwait(false);
            return 3;
        }
        if (args.PolicyFile is null && args.DeletePolicies.Count == 0 && args.DeleteContracts.Count == 0)
        {
            await stderr.WriteLineAsync("aci-lab: policy needs --apply, --delete-policy or --delete-contract").ConfigureAwait(false);
            return 2;
        }
        var body = new JsonObject
        {
            ["apply"] = args.PolicyFile is null ? null : await File.ReadAllTextAsync(args.PolicyFile).ConfigureAwait(false),
            ["deletePolicies"] = new JsonArray([.. args.DeletePolicies.Select(p => (JsonNode)JsonValue.Create(p)!)]),
            ["deleteContracts"] = new JsonArray([.. args.DeleteContracts.Select(c => (JsonNode)JsonValue.Create(c)!)]),
        };
        try
        {
            using LabApiClient client = LabApiClient.FromKubeconfig(state.Kubeconfig, TimeSpan.FromSeconds(120));
            JsonObject result = await client.PutAsync(Endpoint, body).ConfigureAwait(false);
            await stdout.WriteLineAsync(result["applied"]?.GetValue<string>() ?? "applied").ConfigureAwait(false);
            return 0;
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException or InvalidDataException or FormatException or System.Security.Cryptography.CryptographicException)
        {
            await stderr.WriteLineAsync($"aci-lab: the lab did not apply the policy change: {e.Message}").ConfigureAwait(false);
            return 1;
        }
    }
}
