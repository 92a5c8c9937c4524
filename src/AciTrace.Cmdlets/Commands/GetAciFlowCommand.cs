using System.Globalization;
using System.Management.Automation;
using AciTrace.Aci;
using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>
/// <para type="synopsis">Lists the OpenFlow flows of a node's br-access or br-int as objects: table names, the contract or NetworkPolicy rule behind each cookie, and what register matches name.</para>
/// </summary>
[Cmdlet(VerbsCommon.Get, "AciFlow")]
[OutputType(typeof(AciFlow))]
public sealed class GetAciFlowCommand : AciClusterCommandBase
{
    /// <summary>
    /// <para type="description">The node whose flows to read (its aci-containers-openvswitch pod runs ovs-ofctl dump-flows).</para>
    /// </summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string Node { get; set; } = "";

    /// <summary>
    /// <para type="description">The bridge: br-access (security groups: NetworkPolicies) or br-int (EPGs, contracts, services, routing; the default).</para>
    /// </summary>
    [Parameter(Position = 1)]
    [ValidateSet(AciTables.DefaultAccessBridgeName, AciTables.DefaultIntegrationBridgeName)]
    public string Bridge { get; set; } = AciTables.DefaultIntegrationBridgeName;

    /// <summary>
    /// <para type="description">Only this table: its number (9) or its opflex agent name (SEC_GROUP_IN_TABLE, case-insensitive). All tables when omitted.</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Table { get; set; }

    /// <summary>
    /// <para type="description">Read the flows of a snapshot file written by Save-AciSnapshot instead of the cluster's (with the counters they had when it was taken); needs no Open vSwitch. Not with -Kubeconfig, -Context, -Transport or -KubectlPath (those set by $PSDefaultParameterValues are left unused).</para>
    /// </summary>
    [Parameter]
    [ValidateNotNullOrEmpty]
    public string? Snapshot { get; set; }

    private protected override string? SnapshotPath => Snapshot;

    /// <inheritdoc />
    protected override void ProcessRecord()
    {
        if (!InputValidationOk(out var table))
        {
            return;
        }

        if (EnsureSession() is not { } session)
        {
            RejectForSession(Node, Node);
            return;
        }

        try
        {
            foreach (var flow in session.FlowsAsync(Node, Bridge, table, _stopping.Token).GetAwaiter().GetResult())
            {
                WriteObject(flow);
            }
        }
        catch (AciTraceException ex)
        {
            Reject(ex, Node, Node);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
    }

    private protected override void WriteTraceOutput(TraceEvent traceEvent)
    {
    }

    /// <summary>The node name and the table, checked before any cluster call.</summary>
    private bool InputValidationOk(out int? table)
    {
        table = null;
        var kind = AciTables.BridgeKind(Bridge);
        if (!AciTrace.Packets.InputValidation.IsValidKubernetesName(Node, AciTrace.Packets.KubernetesNameKind.Node, out var reason))
        {
            var bad = new AciTrace.Packets.InputValidationException(ErrorIds.InvalidKubernetesName, nameof(Node), Node, reason);
            WriteError(new ErrorRecord(bad, bad.ErrorId, ErrorCategory.InvalidArgument, Node));
            return false;
        }

        if (Table is null)
        {
            return true;
        }

        if (int.TryParse(Table, NumberStyles.None, CultureInfo.InvariantCulture, out var number) && number <= 254)
        {
            table = number;
            return true;
        }

        if (AciTables.TryIdOf(kind, Table, StringComparison.OrdinalIgnoreCase, out var named))
        {
            table = named;
            return true;
        }

        var ex = new AciTraceException(ErrorIds.InvalidFlowTable, AciErrorKind.InvalidArgument,
            $"Table '{Table}' is neither a table number (0-254) nor a table of {Bridge} (for example {AciTables.Name(kind, AciTables.DropTable(kind) ?? 0)}).", Table);
        WriteError(new ErrorRecord(ex, ex.ErrorId, ErrorCategory.InvalidArgument, Table));
        return false;
    }
}
