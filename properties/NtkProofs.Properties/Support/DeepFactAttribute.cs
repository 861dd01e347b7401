namespace NtkProofs.Properties.Support;

/// <summary>An xunit fact of the deep tier: skipped unless <c>NTKPROOFS_DEEP=1</c>.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class DeepFactAttribute : FactAttribute
{
    /// <summary>Creates the attribute; sets Skip when the deep tier is off.</summary>
    public DeepFactAttribute()
    {
        if (!Tier.DeepEnabled)
        {
            Skip = Tier.SkipReason;
        }
    }
}
