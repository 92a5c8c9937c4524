using System.ComponentModel;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AciTrace.Engine;
using AciTrace.Packets;

namespace AciTrace.Kube;

/// <summary>
/// <see cref="IKubeClient"/> over the kubectl (or oc) binary. Every call is one kubectl process started with an argv
/// list (no shell), with a wall-clock timeout and cancellation that kill the process tree. Exec argv is checked by
/// <see cref="ReadOnlyCommandPolicy"/> before anything starts. Argv shapes:
/// <c>kubectl [--kubeconfig=K] [--context=C] [--request-timeout=T] get RESOURCE [NAME] (-n NS | --all-namespaces) [--selector=L] [--field-selector=F] -o json</c>
/// and <c>kubectl [globals] exec -n NS POD [-c CONTAINER] -- ARGV...</c>.
/// </summary>
public sealed class KubectlClient : IKubeClient
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: false);
    private readonly KubectlClientOptions _options;
    private readonly IReadOnlyList<string> _globalArgs;
    private long _execs;
    private long _apiReads;

    /// <summary>Resolves kubectl now (throws KubectlNotFound) and validates the options.</summary>
    public KubectlClient(KubectlClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.CommandTimeout <= TimeSpan.Zero)
            throw new AciTraceException(ErrorIds.InvalidTimeout, AciErrorKind.InvalidArgument, $"The kubectl timeout must be positive (got {options.CommandTimeout}).", options.CommandTimeout);
        _options = options;
        KubectlPath = KubectlLocator.Locate(options.KubectlPath);
        _globalArgs = BuildGlobalArgs(options);
    }

    /// <summary>Same as <see cref="KubectlClient(KubectlClientOptions)"/> from the engine's options.</summary>
    public KubectlClient(ClusterOptions options) : this(KubectlClientOptions.From(options))
    {
    }

    /// <summary>The kubectl binary in use.</summary>
    public string KubectlPath { get; }

    public long Execs => Interlocked.Read(ref _execs);

    public long ApiReads => Interlocked.Read(ref _apiReads);

    public event EventHandler<KubeCommandEventArgs>? CommandStarting;

    public event EventHandler<KubeCommandEventArgs>? CommandCompleted;

    /// <summary>The argv (after the program) of a get/list call; validates all inputs.</summary>
    public IReadOnlyList<string> BuildGetArgs(KubeResource resource, string? ns, string? name, string? labelSelector, string? fieldSelector)
    {
        var query = KubeQuery.Create(resource, ns, name, labelSelector, fieldSelector);
        var args = new List<string>(_globalArgs) { "get", resource.KubectlName() };
        if (query.Name is not null) args.Add(query.Name);
        if (resource.IsNamespaced())
        {
            if (query.Namespace is not null)
            {
                args.Add("-n");
                args.Add(query.Namespace);
            }
            else
            {
                args.Add("--all-namespaces");
            }
        }
        if (query.LabelSelector is not null) args.Add("--selector=" + query.LabelSelector);
        if (query.FieldSelector is not null) args.Add("--field-selector=" + query.FieldSelector);
        args.Add("-o");
        args.Add("json");
        return args;
    }

    /// <summary>The argv (after the program) of an exec call; validates names and applies the command policy.</summary>
    public IReadOnlyList<string> BuildExecArgs(string ns, string pod, string? container, IReadOnlyList<string> argv)
    {
        var target = KubeExecTarget.Create(ns, pod, container, argv);
        var args = new List<string>(_globalArgs) { "exec", "-n", target.Namespace, target.Pod };
        if (target.Container is not null)
        {
            args.Add("-c");
            args.Add(target.Container);
        }
        args.Add("--");
        args.AddRange(target.Argv);
        return args;
    }

    public async Task<JsonDocument> GetJsonAsync(KubeResource resource, string? ns, string? name, string? labelSelector, string? fieldSelector,
        CancellationToken cancellationToken)
    {
        var args = BuildGetArgs(resource, ns, name, labelSelector, fieldSelector);
        Interlocked.Increment(ref _apiReads);
        var context = new KubectlCallContext(resource, ns, name, null, null);
        var outcome = await RunAsync(args, context, cancellationToken).ConfigureAwait(false);
        string stdout = Utf8.GetString(outcome.Stdout);
        if (outcome.ExitCode != 0) throw KubectlErrors.Map(outcome.ExitCode, Utf8.GetString(outcome.Stderr), stdout, context);
        try
        {
            var doc = JsonDocument.Parse(outcome.Stdout);
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
            {
                doc.Dispose();
                throw new JsonException("the top-level value is not an object");
            }
            return doc;
        }
        catch (JsonException e)
        {
            throw new AciTraceException(ErrorIds.ClusterInvalidOutput, AciErrorKind.InvalidResult,
                $"kubectl get {resource.KubectlName()} succeeded but did not print a JSON object ({e.Message}); output starts with: '{InputValidationException.Printable(stdout.Length > 200 ? stdout[..200] : stdout)}'",
                resource, e);
        }
    }

    public async Task<string?> GetContextNamespaceAsync(CancellationToken cancellationToken)
    {
        var args = new List<string>(_globalArgs) { "config", "view", "--minify", "-o", "jsonpath={.contexts[0].context.namespace}" };
        var context = new KubectlCallContext(KubeResource.Namespaces, null, null, null, null);
        var outcome = await RunAsync(args, context, cancellationToken).ConfigureAwait(false);
        if (outcome.ExitCode != 0) throw KubectlErrors.Map(outcome.ExitCode, Utf8.GetString(outcome.Stderr), "", context);
        var ns = Utf8.GetString(outcome.Stdout).Trim();
        return ns.Length == 0 ? null : InputValidation.ValidateKubernetesName(ns, KubernetesNameKind.Namespace, "context namespace");
    }

    public async Task<ExecResult> ExecAsync(string ns, string pod, string? container, IReadOnlyList<string> argv, CancellationToken cancellationToken)
    {
        var (outcome, stderr) = await ExecCoreAsync(ns, pod, container, argv, cancellationToken).ConfigureAwait(false);
        return new ExecResult(outcome.ExitCode, Utf8.GetString(outcome.Stdout), stderr, outcome.Elapsed);
    }

    public async Task<ExecBytesResult> ExecBytesAsync(string ns, string pod, string? container, IReadOnlyList<string> argv,
        CancellationToken cancellationToken)
    {
        var (outcome, stderr) = await ExecCoreAsync(ns, pod, container, argv, cancellationToken).ConfigureAwait(false);
        return new ExecBytesResult(outcome.ExitCode, outcome.Stdout, stderr, outcome.Elapsed);
    }

    /// <summary>What kubectl logs when its WebSocket client discarded output (client-go remotecommand/websocket.go).</summary>
    internal const string LostStreamMessage = "Unknown stream id";

    private async Task<(ProcessOutcome Outcome, string Stderr)> ExecCoreAsync(string ns, string pod, string? container, IReadOnlyList<string> argv,
        CancellationToken cancellationToken)
    {
        var args = BuildExecArgs(ns, pod, container, argv);
        Interlocked.Increment(ref _execs);
        var context = new KubectlCallContext(KubeResource.Pods, ns, pod, container, argv.ToArray());
        var outcome = await RunAsync(args, context, cancellationToken).ConfigureAwait(false);
        string stderr = Utf8.GetString(outcome.Stderr);
        if (outcome.ExitCode != 0 && stderr.Contains(LostStreamMessage, StringComparison.Ordinal))
        {
            // kubectl's WebSocket client drops frames that arrive before it has registered its streams and then
            // fails; the command itself was read-only, so run it once more.
            Interlocked.Increment(ref _execs);
            outcome = await RunAsync(args, context, cancellationToken).ConfigureAwait(false);
            stderr = Utf8.GetString(outcome.Stderr);
        }
        if (outcome.ExitCode != 0) throw KubectlErrors.Map(outcome.ExitCode, stderr, Utf8.GetString(outcome.Stdout), context);
        return (outcome, stderr);
    }

    private async Task<ProcessOutcome> RunAsync(IReadOnlyList<string> args, KubectlCallContext context, CancellationToken cancellationToken)
    {
        var argv = new List<string>(args.Count + 1) { KubectlPath };
        argv.AddRange(args);
        var kind = context.IsExec ? KubeCallKind.Exec : args.Contains("get") ? KubeCallKind.Read : KubeCallKind.Other;
        CommandStarting?.Invoke(this, new KubeCommandEventArgs(argv, kind: kind));
        ProcessOutcome? outcome = null;
        TimeSpan? elapsed = null;
        try
        {
            outcome = await ProcessRunner.RunAsync(KubectlPath, args, _options.CommandTimeout, _options.MaxOutputBytes, cancellationToken)
                .ConfigureAwait(false);
            elapsed = outcome.Elapsed;
            return outcome;
        }
        catch (Win32Exception e)
        {
            throw new AciTraceException(ErrorIds.KubectlNotFound, AciErrorKind.NotInstalled,
                $"kubectl at '{KubectlPath}' could not be started: {e.Message}", KubectlPath, e);
        }
        catch (ProcessStoppedException stopped) when (stopped.Reason == ProcessStop.Timeout)
        {
            elapsed = stopped.Elapsed;
            string what = context.IsExec ? $"'{CommandLineText.Format(context.RemoteArgv!)}' in {context.ObjectText}" : $"get {context.Resource.KubectlName()}";
            throw new AciTraceException(ErrorIds.ClusterCallTimeout, AciErrorKind.OperationTimeout,
                $"kubectl ({what}) did not finish within {FormatSeconds(_options.CommandTimeout)} and was stopped. " +
                "Check the cluster's responsiveness or raise the timeout.", CommandLineText.Format(argv), stopped);
        }
        catch (ProcessStoppedException stopped)
        {
            elapsed = stopped.Elapsed;
            throw new AciTraceException(ErrorIds.ClusterOutputTooLarge, AciErrorKind.InvalidResult,
                $"kubectl printed more than {_options.MaxOutputBytes} bytes and was stopped.", CommandLineText.Format(argv), stopped);
        }
        finally
        {
            CommandCompleted?.Invoke(this, new KubeCommandEventArgs(argv, outcome?.ExitCode, elapsed, kind));
        }
    }

    private static IReadOnlyList<string> BuildGlobalArgs(KubectlClientOptions options)
    {
        var args = new List<string>();
        if (!string.IsNullOrEmpty(options.Kubeconfig)) args.Add("--kubeconfig=" + ValidateFreeText(options.Kubeconfig, "kubeconfig"));
        if (!string.IsNullOrEmpty(options.Context)) args.Add("--context=" + ValidateFreeText(options.Context, "context"));
        if (options.RequestTimeout is TimeSpan rt)
        {
            if (rt <= TimeSpan.Zero)
                throw new AciTraceException(ErrorIds.InvalidTimeout, AciErrorKind.InvalidArgument, $"The request timeout must be positive (got {rt}).", rt);
            args.Add("--request-timeout=" + GoDuration(rt));
        }
        return args;
    }

    /// <summary>kubectl takes Go durations: whole seconds as "30s", otherwise milliseconds ("1500ms").</summary>
    internal static string GoDuration(TimeSpan t) =>
        t.Ticks % TimeSpan.TicksPerSecond == 0
            ? ((long)t.TotalSeconds).ToString(CultureInfo.InvariantCulture) + "s"
            : Math.Max(1, (long)Math.Ceiling(t.TotalMilliseconds)).ToString(CultureInfo.InvariantCulture) + "ms";

    private static string FormatSeconds(TimeSpan t) => t.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    internal static string ValidateFreeText(string value, string field)
    {
        if (value.Any(char.IsControl) || value.Length > 4096)
            throw new InputValidationException(ErrorIds.InvalidClusterOption, field, value, "contains control characters or is too long");
        return value;
    }
}
