using FsCheck.Xunit;

namespace NtkProofs.Properties.Attention;

/// <summary>
/// An FsCheck property of the opt-in deep tier: skipped unless the environment variable NTKPROOFS_DEEP is 1. Mark such methods
/// also with <c>[Trait("Tier", "Deep")]</c> so they can be selected with <c>--filter Tier=Deep</c>.
/// </summary>
public sealed class DeepPropertyAttribute : PropertyAttribute
{
    /// <summary>Sets <c>Skip</c> when the deep tier is off.</summary>
    public DeepPropertyAttribute()
    {
        if (!DeepTier.Enabled)
        {
            Skip = DeepTier.SkipReason;
        }
    }
}

/// <summary>An xunit fact of the opt-in deep tier (see <see cref="DeepPropertyAttribute"/>).</summary>
public sealed class DeepFactAttribute : FactAttribute
{
    /// <summary>Sets <c>Skip</c> when the deep tier is off.</summary>
    public DeepFactAttribute()
    {
        if (!DeepTier.Enabled)
        {
            Skip = DeepTier.SkipReason;
        }
    }
}

/// <summary>Whether the deep tier runs.</summary>
public static class DeepTier
{
    /// <summary>True when NTKPROOFS_DEEP=1.</summary>
    public static bool Enabled => Environment.GetEnvironmentVariable("NTKPROOFS_DEEP") == "1";

    /// <summary>The skip message.</summary>
    public const string SkipReason = "deep tier: set NTKPROOFS_DEEP=1 to run";
}
