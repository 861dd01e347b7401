namespace NtkProofs.Properties.Support;

/// <summary>
/// The two tiers of the property suite. The fast tier runs in every <c>dotnet test</c>; the deep tier (more seeds, widths up
/// to 2^16) runs only when the environment variable <c>NTKPROOFS_DEEP=1</c> is set.
/// </summary>
public static class Tier
{
    /// <summary>The environment variable that opts into the deep tier.</summary>
    public const string Variable = "NTKPROOFS_DEEP";

    /// <summary>True when the deep tier is enabled.</summary>
    public static bool DeepEnabled => Environment.GetEnvironmentVariable(Variable) == "1";

    /// <summary>The skip reason shown for deep tests in a default run.</summary>
    public const string SkipReason = "deep tier: set NTKPROOFS_DEEP=1 to run";
}
