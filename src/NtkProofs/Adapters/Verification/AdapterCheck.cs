namespace NtkProofs.Adapters.Verification;

/// <summary>The outcome of one check of a saved adapter.</summary>
public enum AdapterCheckStatus
{
    /// <summary>The check ran and passed.</summary>
    Passed,

    /// <summary>The check ran and failed; the detail says why.</summary>
    Failed,

    /// <summary>The check could not run because an earlier check failed (counts as a failure of the whole verification).</summary>
    NotRun,

    /// <summary>The check does not apply to this kind of adapter (it is not claimed to have passed).</summary>
    NotApplicable,
}

/// <summary>One row of an adapter verification.</summary>
/// <param name="Name">What was checked.</param>
/// <param name="Status">The outcome.</param>
/// <param name="Detail">The numbers or the reason.</param>
public sealed record AdapterCheck(string Name, AdapterCheckStatus Status, string Detail)
{
    /// <summary>"pass", "FAIL", "not run", "n/a".</summary>
    public string StatusText => Status switch
    {
        AdapterCheckStatus.Passed => "pass",
        AdapterCheckStatus.Failed => "FAIL",
        AdapterCheckStatus.NotRun => "not run",
        _ => "n/a",
    };
}
