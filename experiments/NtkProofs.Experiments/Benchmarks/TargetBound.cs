namespace NtkProofs.Experiments.Benchmarks;

/// <summary>Which side of its target a performance quantity must lie on.</summary>
public enum TargetBound
{
    /// <summary>Value &gt;= target (a speed-up, a fraction of the GEMM rate).</summary>
    AtLeast,

    /// <summary>Value &lt;= target (a time ratio that must stay small).</summary>
    AtMost,
}
