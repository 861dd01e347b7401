namespace NtkProofs.Adapters;

/// <summary>The value type of an <see cref="AdapterSweepParameter"/>.</summary>
public enum AdapterSweepKind
{
    /// <summary>A whole number.</summary>
    Int,

    /// <summary>A real number.</summary>
    Real,

    /// <summary>A string.</summary>
    Text,
}
