using FsCheck.Xunit;

namespace NtkProofs.Properties.Support;

/// <summary>An FsCheck property of the deep tier: skipped unless <c>NTKPROOFS_DEEP=1</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DeepPropertyAttribute : PropertyAttribute
{
    /// <summary>Creates the attribute; sets Skip when the deep tier is off.</summary>
    public DeepPropertyAttribute()
    {
        if (!Tier.DeepEnabled)
        {
            Skip = Tier.SkipReason;
        }
    }
}
