using static TorchSharp.torch;

namespace NtkProofs.FeatureMaps;

/// <summary>
/// The degree-g Taylor feature map of THEORY.md Part B: phi(q) = concat_{j=0..g} (q / d^{1/4})^{(x)j} / sqrt(j!), stored as
/// symmetric monomials with multinomial weights, phi_alpha(q) = q'^alpha / sqrt(alpha!) for every multi-index |alpha| &lt;= g,
/// q' = q / d^{1/4}. Then &lt;phi(q), phi(kappa)&gt; = T_g(&lt;q, kappa&gt; / sqrt d), T_g the degree-g Taylor polynomial of exp,
/// and r = C(d + g, g). Even g keeps T_g &gt; 0 (the setting of Theorem B); odd g is accepted but T_g can then be negative.
/// </summary>
/// <remarks>
/// Monomials are listed degree by degree and, within a degree, sorted by their last (largest) variable. A degree-j monomial
/// with last variable v is a degree-(j-1) monomial whose last variable is at most v, times q'_v, divided by sqrt(count of v);
/// those parents form a leading block of the previous degree, so a whole degree is d slice-and-scale products, no gathers.
/// </remarks>
public sealed class TaylorFeatureMap : IFeatureMap
{
    /// <summary>Largest r this implementation builds (index tables and features grow like r).</summary>
    public const long MaxFeatures = 1L << 26;

    // For degree j: how many degree-(j-1) monomials have last variable <= v (per v), and the 1/sqrt(count) factors.
    private readonly long[][] parentCounts;
    private readonly double[][] coefficients;

    /// <summary>Builds the map's monomial tables.</summary>
    /// <param name="inputDim">d &gt;= 1.</param>
    /// <param name="degree">g &gt;= 0.</param>
    /// <exception cref="ArgumentOutOfRangeException">r = C(d + g, g) exceeds <see cref="MaxFeatures"/>.</exception>
    public TaylorFeatureMap(int inputDim, int degree)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDim, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(degree);
        long r = FeatureCount(inputDim, degree);
        if (r > MaxFeatures)
        {
            throw new ArgumentOutOfRangeException(nameof(degree), degree, $"taylor:{degree} in d = {inputDim} has r = C(d+g, g) = {(r == long.MaxValue ? "more than 2^63" : r.ToString(System.Globalization.CultureInfo.InvariantCulture))} features, more than the {MaxFeatures} this implementation builds");
        }

        InputDim = inputDim;
        Degree = degree;
        R = r;
        parentCounts = new long[degree + 1][];
        coefficients = new double[degree + 1][];
        BuildTables();
    }

    /// <inheritdoc />
    public int InputDim { get; }

    /// <summary>g, the degree of the Taylor polynomial.</summary>
    public int Degree { get; }

    /// <inheritdoc />
    public long R { get; }

    /// <inheritdoc />
    public string Name => $"taylor:{Degree}";

    /// <inheritdoc />
    public bool IsNonNegative => Degree == 0;

    /// <summary>r = C(d + g, g), the number of monomials of degree at most g in d variables (long.MaxValue on overflow).</summary>
    /// <param name="inputDim">d.</param>
    /// <param name="degree">g.</param>
    public static long FeatureCount(int inputDim, int degree)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputDim, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(degree);
        try
        {
            // C(d + g, g) = prod_{j=1..g} (d + j) / j, exact at every step.
            long c = 1;
            for (int j = 1; j <= degree; j++)
            {
                c = checked(c * (inputDim + j)) / j;
            }

            return c;
        }
        catch (OverflowException)
        {
            return long.MaxValue;
        }
    }

    /// <summary>T_g(z) = sum_{j=0..g} z^j / j!, elementwise, in the input's dtype.</summary>
    /// <param name="z">Arguments.</param>
    /// <param name="degree">g &gt;= 0.</param>
    public static Tensor TaylorPolynomial(Tensor z, int degree)
    {
        ArgumentNullException.ThrowIfNull(z);
        ArgumentOutOfRangeException.ThrowIfNegative(degree);
        using var scope = NewDisposeScope();

        // Horner: T_g(z) = 1 + z (1 + z/2 (1 + z/3 (... (1 + z/g)))).
        var acc = ones_like(z);
        for (int j = degree; j >= 1; j--)
        {
            acc = 1.0 + (z * acc / j);
        }

        return acc.MoveToOuterDisposeScope();
    }

    /// <inheritdoc />
    public Tensor Apply(Tensor x)
    {
        FeatureMapChecks.RequireInput(x, InputDim, Name);
        using var scope = NewDisposeScope();
        var flat = x.reshape(-1, InputDim) * Math.Pow(InputDim, -0.25);
        return Monomials(flat, null).reshape([.. x.shape[..^1], R]).MoveToOuterDisposeScope();
    }

    /// <summary>
    /// phi(x) = Features * exp(LogScale) with rho = max(1, max_i |q'_i|) per vector: the degree-j block of Features is
    /// rho^(j-g) phi_j(q' / rho), bounded by 1 in absolute value, and LogScale = g log rho.
    /// </summary>
    /// <param name="x">Vectors of dimension d in the last axis.</param>
    public ScaledFeatures ApplyScaled(Tensor x)
    {
        FeatureMapChecks.RequireInput(x, InputDim, Name);
        using var scope = NewDisposeScope();
        var flat = x.reshape(-1, InputDim) * Math.Pow(InputDim, -0.25);
        var rho = flat.detach().abs().amax([1], keepdim: true).clamp_min(1.0);
        var features = Monomials(flat / rho, rho.reciprocal());
        var logScale = rho.log() * Degree;
        return new ScaledFeatures(
            features.reshape([.. x.shape[..^1], R]).MoveToOuterDisposeScope(),
            logScale.reshape([.. x.shape[..^1], 1]).MoveToOuterDisposeScope());
    }

    /// <summary>All monomials of the rows of <paramref name="q"/> [N, d]; block j is multiplied by shrink^(g-j) when given.</summary>
    private Tensor Monomials(Tensor q, Tensor? shrink)
    {
        var blocks = new List<Tensor>(Degree + 1);
        var previous = ones(q.shape[0], 1, dtype: q.dtype, device: q.device);
        blocks.Add(Shrunk(previous, shrink, Degree));
        for (int j = 1; j <= Degree; j++)
        {
            var slices = new List<Tensor>(InputDim);
            for (int v = 0; v < InputDim; v++)
            {
                slices.Add(previous.narrow(1, 0, parentCounts[j][v]) * q.narrow(1, v, 1));
            }

            using var coefficient = tensor(coefficients[j], dtype: q.dtype, device: q.device);
            previous = cat(slices, 1) * coefficient;
            blocks.Add(Shrunk(previous, shrink, Degree - j));
        }

        return blocks.Count == 1 ? blocks[0] : cat(blocks, 1);
    }

    // Each block is scaled on its own, so that an underflowing shrink^g never wipes out the higher degrees.
    private static Tensor Shrunk(Tensor block, Tensor? shrink, int power) =>
        shrink is null || power == 0 ? block : block * shrink.pow(power);

    private void BuildTables()
    {
        int d = InputDim;

        // The previous degree's monomials, sorted by last variable: their last variables and run lengths (how often the last
        // variable occurs). Degree 0 is the constant 1, which precedes every variable.
        var lastVariable = new List<int> { -1 };
        var runLength = new List<int> { 0 };
        parentCounts[0] = [];
        coefficients[0] = [];
        for (int j = 1; j <= Degree; j++)
        {
            var counts = new long[d];
            var coefficient = new List<double>();
            var nextLast = new List<int>();
            var nextRun = new List<int>();
            for (int v = 0; v < d; v++)
            {
                int count = 0;
                while (count < lastVariable.Count && lastVariable[count] <= v)
                {
                    int run = lastVariable[count] == v ? runLength[count] + 1 : 1;
                    coefficient.Add(1.0 / Math.Sqrt(run));
                    nextLast.Add(v);
                    nextRun.Add(run);
                    count++;
                }

                counts[v] = count;
            }

            parentCounts[j] = counts;
            coefficients[j] = [.. coefficient];
            lastVariable = nextLast;
            runLength = nextRun;
        }
    }
}
