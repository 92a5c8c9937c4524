using System.Globalization;
using AciTrace.Engine;

namespace AciTrace.Commands;

/// <summary>How one pipeline input ended.</summary>
internal enum InputOutcome
{
    Success,
    NotDelivered,
    Failed,
}

/// <summary>
/// Counts the inputs of one invocation for the progress line ("12 traced: 9 delivered, 2 not delivered, 1 failed")
/// and remembers the input-independent errors already written, so each is written once per invocation.
/// </summary>
internal sealed class InputTally
{
    private readonly HashSet<(string ErrorId, string Message)> _written = new();
    private readonly SortedSet<string> _suppressedIds = new(StringComparer.Ordinal);
    private int _done;
    private int _success;
    private int _notDelivered;
    private int _failed;

    /// <summary>Number of inputs started so far (the current one included).</summary>
    public int Started { get; private set; }

    /// <summary>Inputs whose error was not written again because the same input-independent error already was.</summary>
    public int Suppressed { get; private set; }

    /// <summary>The ErrorIds of the suppressed errors, comma-separated.</summary>
    public string SuppressedErrorIds => string.Join(", ", _suppressedIds);

    /// <summary>A new input starts.</summary>
    public void Begin() => Started++;

    public void Finished(InputOutcome outcome)
    {
        _done++;
        switch (outcome)
        {
            case InputOutcome.Success:
                _success++;
                break;
            case InputOutcome.NotDelivered:
                _notDelivered++;
                break;
            default:
                _failed++;
                break;
        }
    }

    /// <summary>Records a failed input; true when its error must be written (not a repeat of a session-wide one).</summary>
    public bool Failed(AciTraceException ex, bool sessionWide)
    {
        Finished(InputOutcome.Failed);
        if (!sessionWide || _written.Add((ex.ErrorId, ex.Message)))
        {
            return true;
        }

        Suppressed++;
        _suppressedIds.Add(ex.ErrorId);
        return false;
    }

    /// <summary>How many inputs there will be, when known in advance (Get-AciConnectivity): progress then says "N of M".</summary>
    public int? Expected { get; set; }

    /// <summary>The progress line: input number and the outcomes so far.</summary>
    public string Describe() => string.Create(CultureInfo.InvariantCulture,
        $"trace {Started}{(Expected is int m ? $" of {m}" : "")}; {_done} done: {_success} delivered, {_notDelivered} not delivered, {_failed} failed");

    /// <summary>Percent of the expected inputs done, or -1 when the number is not known.</summary>
    public int PercentDone => Expected is int m && m > 0 ? Math.Clamp(_done * 100 / m, 0, 100) : -1;
}
