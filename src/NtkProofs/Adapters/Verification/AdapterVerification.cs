namespace NtkProofs.Adapters.Verification;

/// <summary>All checks of one adapter folder (see <see cref="AdapterVerifier"/>).</summary>
/// <param name="Directory">The adapter folder.</param>
/// <param name="Method">The adapter's method (head, full, lora, prefix, ntk).</param>
/// <param name="Checks">The checks, in the order they ran.</param>
public sealed record AdapterVerification(string Directory, string Method, IReadOnlyList<AdapterCheck> Checks)
{
    /// <summary>True when no check failed or was left unrun (not-applicable checks do not count either way).</summary>
    public bool Passed => Checks.All(c => c.Status is AdapterCheckStatus.Passed or AdapterCheckStatus.NotApplicable);

    /// <summary>The checks that failed or could not run.</summary>
    public IEnumerable<AdapterCheck> Problems => Checks.Where(c => c.Status is AdapterCheckStatus.Failed or AdapterCheckStatus.NotRun);
}
