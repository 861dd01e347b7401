using FsCheck;
using FsCheck.Fluent;
using FsCheck.Xunit;
using NtkProofs.Lemmas;
using NtkProofs.Model;
using NtkProofs.Properties.Support;
using NtkProofs.Training;
using Xunit.Abstractions;

namespace NtkProofs.Properties.Lemmas;

/// <summary>
/// L2 (THEORY.md Part A): along gradient descent with eta = eta0 / lambda_max(H(0)), the relative kernel drift
/// sup_t ||H(t) - H(0)||_F / ||H(0)||_F and the prefix movement vanish as m grows, and lambda_min(H(t)) stays &gt;= lambda*/2
/// for m &gt;= m0. Drift and root-mean-square row movement: fitted log-log slope &lt;= -0.3 (THEORY.md). Largest row movement:
/// slope &lt;= -0.15, a documented deviation from THEORY.md's -0.3 (see <see cref="LemmaCriteria.MaxRowMovementSlopeMax"/>). Checked for FixedValue and SeparateValue, from random and from
/// symmetric (F(0) = 0) initialization. TiedValue is measured separately (<see cref="TiedValueFindings"/>).
/// </summary>
public sealed class L2KernelStability(ITestOutputHelper output)
{
    private static readonly TrainingOptions Fast = new(Steps: 150, Eta0: 0.5, KernelEvery: 15);

    /// <summary>
    /// Drift and movement slopes, random init, m = 2^6..2^12, 2 replicates, T = 150.
    /// Failure probability: drift slopes measured -0.73 to -1.26 and RMS slopes -0.42 to -0.55 across cases (spread about
    /// 0.05-0.15), so reaching -0.3 takes at least a 2.5-sigma deviation for the RMS slope (about 1e-2 per case); max-row
    /// slopes measured -0.23 to -0.46 against the -0.15 bound (also about 2 sigma). Per run of 6 cases the failure
    /// probability is a few percent at worst; the Replay pair below pins the cases, so CI is deterministic.
    /// </summary>
    [Property(MaxTest = 6, Replay = "(4242001, 31337)")]
    public Property DriftAndMovementVanishWithWidth() => Prop.ForAll(LemmaCases.Arbitrary([ValuePath.FixedValue, ValuePath.SeparateValue], maxSamples: 6, maxDim: 5), c =>
    {
        var result = LazyTraining.Run(c.Problem(0.5), KernelConcentration.PowersOfTwo(6, 12), 2, Fast);
        Log(c.ToString(), result);
        AssertVanishes(result);
    });

    /// <summary>The same from symmetric initialization (F(0) = 0, so the initial residual is the target alone).</summary>
    [Theory]
    [InlineData(ValuePath.FixedValue)]
    [InlineData(ValuePath.SeparateValue)]
    public void DriftVanishesFromSymmetricInitialization(ValuePath path)
    {
        var result = LazyTraining.Run(new LemmaProblem(path, 6, 4, 2, 0.5), KernelConcentration.PowersOfTwo(6, 12), 2, Fast, PrefixInit.Symmetric);
        Log(path.ToString(), result);
        AssertVanishes(result);
    }

    /// <summary>
    /// lambda_min(H(t)) &gt;= lambda*/2 at every tracked step for m &gt;= 2^11 (above the m0 of L1(d) at this size: 256-1024),
    /// 4 replicates.
    /// </summary>
    [Theory]
    [InlineData(ValuePath.FixedValue)]
    [InlineData(ValuePath.SeparateValue)]
    public void KernelStaysPositiveDefiniteDuringTraining(ValuePath path)
    {
        var result = LazyTraining.Run(new LemmaProblem(path, 6, 4, 2, 0.5), [1 << 11, 1 << 12], 4, Fast);
        foreach (var s in result.Samples)
        {
            output.WriteLine(FormattableString.Invariant($"m = {s.PrefixLength}, replicate {s.Replicate}: min_t lambda_min(H(t)) / lambda* = {s.MinLambdaMin / s.LambdaStar:F3}"));
        }

        Assert.All(result.Samples, s => Assert.True(s.KernelStaysPositive, $"m = {s.PrefixLength}: {s.MinLambdaMin:E3} < lambda*/2 = {s.LambdaStar / 2:E3}"));
    }

    /// <summary>Deep tier: m up to 2^16, 4 replicates, T = 300, both initializations, both output scales.</summary>
    [DeepFact]
    public void DriftVanishesDeep()
    {
        foreach (var path in new[] { ValuePath.FixedValue, ValuePath.SeparateValue })
        {
            foreach (var init in new[] { PrefixInit.Random, PrefixInit.Symmetric })
            {
                foreach (var scale in new[] { OutputScale.SqrtM, OutputScale.Linear })
                {
                    var result = LazyTraining.Run(new LemmaProblem(path, 8, 6, 2, 0.5, scale), KernelConcentration.PowersOfTwo(8, 16), 4, new TrainingOptions(300, 0.5, 30), init);
                    Log($"{path} {init} {scale}", result);
                    AssertVanishes(result);
                }
            }
        }
    }

    private static void AssertVanishes(LazyTrainingResult result)
    {
        Assert.True(result.DriftSlope.Slope <= LemmaCriteria.StabilitySlopeMax, $"drift slope {result.DriftSlope.Slope:F3}");
        Assert.True(result.RmsMovementSlope.Slope <= LemmaCriteria.StabilitySlopeMax, $"RMS movement slope {result.RmsMovementSlope.Slope:F3}");
        Assert.True(result.MovementSlope.Slope <= LemmaCriteria.MaxRowMovementSlopeMax, $"max-row movement slope {result.MovementSlope.Slope:F3}");
    }

    private void Log(string label, LazyTrainingResult result)
    {
        output.WriteLine(FormattableString.Invariant($"{label}: drift slope {result.DriftSlope.Slope:F3} (R^2 {result.DriftSlope.RSquared:F2}), max-row movement slope {result.MovementSlope.Slope:F3}, RMS movement slope {result.RmsMovementSlope.Slope:F3}"));
        foreach (int m in result.PrefixLengths)
        {
            output.WriteLine(FormattableString.Invariant($"  m = {m,6}: drift {result.At(m, s => s.MaxKernelDrift)}, movement {result.At(m, s => s.MaxPrefixMovement)}, loss ratio {result.At(m, s => s.ResidualRatio)}"));
        }
    }
}
