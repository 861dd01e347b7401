namespace NtkProofs.Numerics;

/// <summary>
/// A relative-plus-absolute tolerance, the one policy every numerical comparison in NtkProofs goes through.
/// Two arrays agree when <c>||a - e||_F &lt;= Relative * ||e||_F + Absolute * sqrt(count)</c>
/// (the neural-tangents convention), and scalars when <c>|a - e| &lt;= Relative * |e| + Absolute</c>.
/// </summary>
/// <param name="Relative">Relative tolerance, scaled by the magnitude of the expected value.</param>
/// <param name="Absolute">Absolute floor, per element.</param>
public readonly record struct Tolerance(double Relative, double Absolute)
{
    /// <summary>Exact float64 arithmetic after a handful of operations (identities, closed forms).</summary>
    public static Tolerance Float64 { get; } = new(1e-10, 1e-12);

    /// <summary>
    /// Exact identities of NTK-Attention (I1-I4) evaluated in float64 through different summation orders (streamed vs
    /// closed form), reported as relative errors: measured 1e-14 at m = 2^16, so 1e-9 leaves five orders of margin.
    /// </summary>
    public static Tolerance Identity64 { get; } = new(1e-9, 0);

    /// <summary>Relative asymmetry ||A - A^T||_F / ||A||_F of a float64 matrix that is symmetric in exact arithmetic.</summary>
    public static Tolerance Symmetry64 { get; } = new(1e-12, 0);

    /// <summary>Float32 arithmetic after a handful of operations.</summary>
    public static Tolerance Float32 { get; } = new(2e-5, 1e-6);

    /// <summary>Float64 central finite differences with a step near the cube root of machine epsilon.</summary>
    public static Tolerance FiniteDifference64 { get; } = new(1e-6, 1e-8);

    /// <summary>Float32 central finite differences.</summary>
    public static Tolerance FiniteDifference32 { get; } = new(2e-2, 1e-3);

    /// <summary>
    /// Largest accepted max-abs difference between the TorchSharp rebuild of a pretrained float32 transformer and ONNX
    /// Runtime on the same weights (last_hidden_state, values of order 1; measured about 1e-5 for all-MiniLM-L6-v2).
    /// </summary>
    public const double PretrainedParityMaxAbs = 1e-4;

    /// <summary>
    /// Agreement of two float64 reductions (sum, sum of squares) over the same float32 weights, which may differ in
    /// summation order (thread count): used to recognise a base model by its frozen weights.
    /// </summary>
    public static Tolerance WeightFingerprint { get; } = new(1e-9, 1e-9);

    /// <summary>
    /// Reproduction of float32 outputs that a saved model produced earlier (an adapter's probe logits): the same weights and
    /// inputs through a few dozen float32 layers, where only the summation order may differ (thread count, library version).
    /// </summary>
    public static Tolerance SavedOutputs { get; } = new(1e-4, 1e-5);

    /// <summary>
    /// Float32 attention with logits of magnitude up to 1e3: rounding a logit of size |s| moves its weight by about
    /// |s| * 6e-8 relatively, so outputs carry relative errors of order 1e-4 (THEORY.md, "Numerical stability").
    /// </summary>
    public static Tolerance Float32LargeLogits { get; } = new(2e-3, 1e-4);

    /// <summary>
    /// How far a freshly initialised NTK-Attention adapter (Z = 0 or Z_B = 0, k = k_0 1) may move an encoder's output: relative
    /// (Frobenius) change at most <paramref name="rowChangeSum"/>, the sum over layers of rho_l / (1 - rho_l), where
    /// rho_l = max_i |phi(q_i) k| / S_i is the prefix denominator term over the attention row sum (proportional to k_0;
    /// <c>NtkProofs.Adapters.NtkNearIdentity</c>). Each layer's largest relative change of an attention row is counted once,
    /// with no gain through the frozen sublayers (first order); Float32's absolute term covers rounding. Measured at 2 % to 5 %
    /// of this budget on the tiny test encoder and on all-MiniLM-L6-v2.
    /// </summary>
    /// <param name="rowChangeSum">sum over layers of rho_l / (1 - rho_l).</param>
    public static Tolerance NtkInitialChange(double rowChangeSum) => new(rowChangeSum, Float32.Absolute);

    /// <summary>Returns the tolerance for verification work in the given precision.</summary>
    /// <param name="dtype">The scalar type of the computation.</param>
    public static Tolerance For(TorchSharp.torch.ScalarType dtype) => dtype switch
    {
        TorchSharp.torch.ScalarType.Float64 => Float64,
        TorchSharp.torch.ScalarType.Float32 => Float32,
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), dtype, "only float32 and float64 have a tolerance"),
    };

    /// <summary>True when <paramref name="actual"/> is within this tolerance of <paramref name="expected"/>.</summary>
    public bool Accepts(double actual, double expected) =>
        !double.IsNaN(actual) && Math.Abs(actual - expected) <= Relative * Math.Abs(expected) + Absolute;

    /// <summary>Compares two arrays of the same length and reports the achieved errors.</summary>
    /// <param name="actual">Computed values.</param>
    /// <param name="expected">Reference values.</param>
    public Comparison Compare(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected)
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException($"length mismatch: actual has {actual.Length} elements, expected has {expected.Length}", nameof(actual));
        }

        double diff2 = 0, ref2 = 0, maxAbs = 0;
        bool finite = true;
        for (int i = 0; i < actual.Length; i++)
        {
            double d = actual[i] - expected[i];
            finite &= double.IsFinite(actual[i]);
            diff2 += d * d;
            ref2 += expected[i] * expected[i];
            maxAbs = Math.Max(maxAbs, Math.Abs(d));
        }

        double diffNorm = Math.Sqrt(diff2), refNorm = Math.Sqrt(ref2);
        double allowed = Relative * refNorm + Absolute * Math.Sqrt(actual.Length);
        double relative = diffNorm / Math.Max(refNorm, 1e-300);
        return new Comparison(relative, maxAbs, finite && diffNorm <= allowed, this);
    }
}

/// <summary>The outcome of a <see cref="Tolerance.Compare"/> call: the achieved errors and the verdict.</summary>
/// <param name="RelativeFrobenius">||actual - expected||_F / ||expected||_F.</param>
/// <param name="MaxAbsolute">max |actual - expected| over elements.</param>
/// <param name="Passed">Whether the tolerance accepted the pair.</param>
/// <param name="Tolerance">The tolerance that was applied.</param>
public readonly record struct Comparison(double RelativeFrobenius, double MaxAbsolute, bool Passed, Tolerance Tolerance)
{
    /// <inheritdoc />
    public override string ToString() =>
        FormattableString.Invariant($"rel. Frobenius error {RelativeFrobenius:E3}, max abs error {MaxAbsolute:E3} (tolerance rel {Tolerance.Relative:E1}, abs {Tolerance.Absolute:E1}): {(Passed ? "pass" : "FAIL")}");
}
