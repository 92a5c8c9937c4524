namespace AciTrace.Commands;

/// <summary>What Get-AciConnectivity writes.</summary>
public enum ConnectivityOutput
{
    /// <summary>One AciConnectivityCell per source/destination pair, as each pair is done (the default).</summary>
    Cell,

    /// <summary>One AciTraceSummary per probe (pair and port), as each is traced.</summary>
    Summary,

    /// <summary>One AciConnectivityMatrix at the end: the grid of every pair.</summary>
    Matrix,
}
