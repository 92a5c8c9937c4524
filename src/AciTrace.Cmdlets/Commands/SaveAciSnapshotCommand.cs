using System.Collections.Concurrent;
using System.Management.Automation;
using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>
/// <para type="synopsis">Writes a cluster's datapath, agent state and Kubernetes objects to one snapshot file, to trace offline with -Snapshot.</para>
/// </summary>
[Cmdlet(VerbsData.Save, "AciSnapshot", SupportsShouldProcess = true)]
[OutputType(typeof(AciSnapshot))]
public sealed class SaveAciSnapshotCommand : AciClusterCommandBase
{
    private const int ProgressActivityId = 0x4AC2;

    /// <summary>
    /// <para type="description">The file to write (a zip; .zip is the usual extension). Its folder must exist; an existing file is replaced when the new one is complete (use -NoClobber to refuse). Relative paths are resolved against the current PowerShell location.</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0)]
    [ValidateNotNullOrEmpty]
    public string Path { get; set; } = "";

    /// <summary>
    /// <para type="description">Record only these nodes' datapath and agent state (the Kubernetes objects are always recorded whole). Defaults to every node that runs the ACI CNI pods. A trace of the snapshot that needs another node fails with SnapshotNodeMissing.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string[]? Node { get; set; }

    /// <summary>
    /// <para type="description">Do not replace an existing file: writing to one is then the error SnapshotFileExists.</para>
    /// </summary>
    [Parameter]
    public SwitchParameter NoClobber { get; set; }

    /// <inheritdoc />
    protected override void EndProcessing()
    {
        var path = SessionState.Path.GetUnresolvedProviderPathFromPSPath(Path);
        foreach (var node in Node ?? [])
        {
            if (!AciTrace.Packets.InputValidation.IsValidKubernetesName(node, AciTrace.Packets.KubernetesNameKind.Node, out var reason))
            {
                Fail(new AciTraceException(ErrorIds.InvalidKubernetesName, AciErrorKind.InvalidArgument, $"-Node '{node}' {reason}", node), ErrorCategory.InvalidArgument, node);
                return;
            }
        }

        if (NoClobber && File.Exists(path))
        {
            Fail(new AciTraceException(ErrorIds.SnapshotFileExists, AciErrorKind.InvalidArgument, $"'{path}' exists and -NoClobber is set.", path), ErrorCategory.ResourceExists, path);
            return;
        }

        // Before the cluster is read: a path that cannot be written would only fail after minutes of recording.
        if (Directory.Exists(path) || !Directory.Exists(System.IO.Path.GetDirectoryName(path)))
        {
            Fail(new AciTraceException(ErrorIds.SnapshotWriteFailed, AciErrorKind.WriteError,
                Directory.Exists(path) ? $"'{path}' is a folder: give the snapshot a file name." : $"The folder of '{path}' does not exist.", path), ErrorCategory.WriteError, path);
            return;
        }

        if (!ShouldProcess(path, $"Record the datapath of {(Node is null ? "every node" : "node(s) " + string.Join(", ", Node))} in a snapshot"))
        {
            return;
        }

        if (EnsureSession() is not { } session)
        {
            RejectForSession(path, path);
            FinishWindow();
            return;
        }

        var progress = new BlockingCollection<string>();
        var request = new SnapshotRequest(path, Node?.Distinct(StringComparer.Ordinal).ToList(), Context, NoClobber);
        var save = Task.Run(async () =>
        {
            try
            {
                return await session.SaveSnapshotAsync(request, progress.Add, _stopping.Token).ConfigureAwait(false);
            }
            finally
            {
                progress.CompleteAdding();
            }
        });

        try
        {
            // Progress is written here, on the pipeline thread, as the recording reports it.
            foreach (var step in progress.GetConsumingEnumerable(_stopping.Token))
            {
                WriteProgress(new ProgressRecord(ProgressActivityId, "Save-AciSnapshot", $"Recording {step}"));
            }

            WriteProgress(new ProgressRecord(ProgressActivityId, "Save-AciSnapshot", "Done") { RecordType = ProgressRecordType.Completed });
            WriteObject(save.GetAwaiter().GetResult());
        }
        catch (AciTraceException ex)
        {
            Reject(ex, path, path);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        finally
        {
            // Stopped (Ctrl+C, or a write to the pipeline failed): the recording deletes its temporary file as it ends;
            // let it, before the session goes.
            if (!save.IsCompleted)
            {
                _stopping.Cancel();
                save.ContinueWith(_ => { }, TaskScheduler.Default).Wait(TimeSpan.FromSeconds(30));
            }
        }

        FinishWindow();
    }

    private protected override void WriteTraceOutput(TraceEvent traceEvent)
    {
    }

    private void Fail(AciTraceException ex, ErrorCategory category, object target) => WriteError(new ErrorRecord(ex, ex.ErrorId, category, target));
}
