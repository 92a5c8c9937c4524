namespace AciTrace;

/// <summary>
/// One OpenFlow flow of a node's bridge, decoded: its table's ACI name, the rule its cookie stands for (the contract
/// or NetworkPolicy classifier), and what its register matches mean. <c>Table</c>, <c>Priority</c> and <c>Match</c>
/// identify a flow (OVS keeps one flow per table, priority and match): compare two dumps on them.
/// </summary>
public sealed class AciFlow
{
    public string Node { get; init; } = "";
    public string Bridge { get; init; } = "";
    public int Table { get; init; }
    /// <summary>The opflex agent's name of the table, e.g. <c>SEC_GROUP_IN_TABLE</c>.</summary>
    public string TableName { get; init; } = "";
    public int Priority { get; init; }
    /// <summary>The match as OVS prints it (empty: every packet).</summary>
    public string Match { get; init; } = "";
    public string Actions { get; init; } = "";
    /// <summary>The cookie as OVS prints it (<c>0x4000000000000000</c>).</summary>
    public string Cookie { get; init; } = "";
    /// <summary>What the cookie stands for: a contract or NetworkPolicy classifier rule, a drop-log flow...; empty for cookie 0.</summary>
    public string Rule { get; init; } = "";
    /// <summary>What the register and metadata matches name (<c>reg0=0x8c8010 (source EPG kube|web)</c>); empty when there are none.</summary>
    public string MatchDecoded { get; init; } = "";
    public long Packets { get; init; }
    public long Bytes { get; init; }

    public override string ToString() => $"{Bridge} table {Table} priority {Priority} {Match}";
}
