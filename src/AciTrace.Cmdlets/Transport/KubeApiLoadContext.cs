using System.Reflection;
using System.Runtime.Loader;
using AciTrace.Engine;
using AciTrace.Kube;

namespace AciTrace.Commands.Transport;

/// <summary>
/// The private load context of the in-process transport: AciTrace.KubeApi, KubernetesClient, YamlDotNet and
/// Fractions load from the module's dependencies/ folder into it, so a YamlDotNet or KubernetesClient another
/// module already loaded (any version) never clashes with ours. AciTrace.Core is shared with the default context, so
/// the client it creates is the engine's own <see cref="IKubeClient"/>. One context per process: a second
/// <c>Import-Module -Force</c> reuses this assembly and so this context.
/// </summary>
internal sealed class KubeApiLoadContext : AssemblyLoadContext
{
    private const string EntryAssembly = "AciTrace.KubeApi";
    private const string FactoryType = "AciTrace.Kube.Api.KubeApiClientFactory";
    private static readonly Assembly CoreAssembly = typeof(IKubeClient).Assembly;
    private static readonly Lazy<IKubeClientFactory> LoadedFactory = new(LoadFactory, LazyThreadSafetyMode.ExecutionAndPublication);
    private readonly string _directory;

    private KubeApiLoadContext(string directory) : base("AciTrace.KubeApi", isCollectible: false) => _directory = directory;

    /// <summary>The folder the transport's assemblies load from.</summary>
    public static string DependencyDirectory =>
        Path.Combine(Path.GetDirectoryName(typeof(KubeApiLoadContext).Assembly.Location) ?? ".", "dependencies");

    /// <summary>The in-process client factory, loaded on first use (a kubectl-only session never loads it).</summary>
    public static IKubeClientFactory Factory
    {
        get
        {
            try
            {
                return LoadedFactory.Value;
            }
            catch (Exception e) when (e is not AciTraceException)
            {
                throw Unavailable(e.Message, e);
            }
        }
    }

    protected override Assembly? Load(AssemblyName assemblyName)
    {
        if (AssemblyName.ReferenceMatchesDefinition(assemblyName, CoreAssembly.GetName())) return CoreAssembly;
        string path = Path.Combine(_directory, assemblyName.Name + ".dll");
        // Null: not ours (the framework), resolved by the default context.
        return File.Exists(path) ? LoadFromAssemblyPath(path) : null;
    }

    private static IKubeClientFactory LoadFactory()
    {
        string directory = DependencyDirectory;
        string entry = Path.Combine(directory, EntryAssembly + ".dll");
        if (!File.Exists(entry)) throw Unavailable($"{entry} is missing", null);
        var context = new KubeApiLoadContext(directory);
        var type = context.LoadFromAssemblyPath(entry).GetType(FactoryType, throwOnError: true)!;
        return (IKubeClientFactory)Activator.CreateInstance(type)!;
    }

    private static AciTraceException Unavailable(string why, Exception? inner) =>
        new AciTraceException(ErrorIds.TransportUnavailable, AciErrorKind.NotInstalled,
            $"The in-process KubernetesClient transport cannot be loaded ({why}); the module folder is incomplete. Reinstall the module, or use -Transport Kubectl.",
            ClusterTransport.KubernetesClient, inner);
}
