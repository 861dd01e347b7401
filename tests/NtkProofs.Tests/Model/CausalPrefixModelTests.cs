using NtkProofs.Kernels;
using NtkProofs.Model;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Model;

/// <summary>
/// The L &gt; 1 query model (THEORY.md A.2) against an independent token-by-token implementation (forward, autograd Jacobian
/// and gradient), central finite differences, and Part A's model when there are no input tokens.
/// </summary>
public sealed class CausalPrefixModelTests(ITestOutputHelper output)
{
    private const int Samples = 2, Length = 3, Dim = 3, Prefix = 5;

    public static TheoryData<ValuePath, QueryMask, bool> PathsMasksCentring()
    {
        var data = new TheoryData<ValuePath, QueryMask, bool>();
        foreach (var path in Enum.GetValues<ValuePath>())
        {
            foreach (var mask in new[] { QueryMask.Causal, QueryMask.Full })
            {
                data.Add(path, mask, false);
            }

            data.Add(path, QueryMask.Causal, true);
        }

        return data;
    }

    private static (CausalPrefixModel Model, Tensor X, Tensor Y) SmallCase(ValuePath path, QueryMask mask, bool centred, long seed, int prefixLength = Prefix)
    {
        var spec = PrefixModelSpec.Create(path, Dim, prefixLength, 0.8, outputDim: 2) with { Centred = centred };
        var model = CausalPrefixModel.Initialize(spec, Samples, Length, mask, seed, seed + 1);
        var x = InputSets.UnitSphere(Samples * Length, Dim, seed + 2);
        var y = InputSets.Targets(Samples * Length, spec.OutputDim, seed + 3);
        if (centred)
        {
            // Move the parameters away from theta_0 so that the centred output is not identically zero.
            using var g = model.LossGradient(x, y).Prefix;
            model.Step(g, null, 0.3);
        }

        return (model, x, y);
    }

    /// <summary>Token-by-token forward from explicit parameter tensors (differentiable), sharing no code with the model.</summary>
    private static Tensor Reference(CausalPrefixModel model, Tensor x, Tensor p, Tensor values)
    {
        var rows = new List<Tensor>();
        for (int i = 0; i < Samples; i++)
        {
            for (int t = 0; t < Length; t++)
            {
                var q = x[(i * Length) + t];
                int visible = model.Mask == QueryMask.Causal ? t + 1 : Length;
                var tokenKeys = x.narrow(0, i * Length, visible);
                var logits = cat([p.mv(q), tokenKeys.mv(q)], 0);
                var w = nn.functional.softmax(logits, 0);
                var allValues = cat([values, model.TokenValues!.narrow(0, i * Length, visible)], 0);
                rows.Add(w.unsqueeze(0).mm(allValues).squeeze(0) * model.Alpha);
            }
        }

        return stack(rows, 0);
    }

    private static Tensor ReferenceOutput(CausalPrefixModel model, Tensor x, Tensor p, Tensor? v, Tensor? p0, Tensor? v0)
    {
        var f = Reference(model, x, p, model.Spec.ValuePath == ValuePath.TiedValue ? p : v!);
        return p0 is null ? f : f - Reference(model, x, p0, model.Spec.ValuePath == ValuePath.TiedValue ? p0 : v0!);
    }

    private static (Tensor Output, List<Tensor> Parameters) ReferenceWithGrad(CausalPrefixModel model, Tensor x, Tensor? p0, Tensor? v0)
    {
        var p = model.Prefix.detach().clone().requires_grad_(true);
        var parameters = new List<Tensor> { p };
        Tensor? v = model.Values?.detach().clone();
        if (model.Spec.ValuePath == ValuePath.SeparateValue)
        {
            v = v!.requires_grad_(true);
            parameters.Add(v);
        }

        return (ReferenceOutput(model, x, p, v, p0, v0), parameters);
    }

    private static (Tensor? P0, Tensor? V0) Initial(CausalPrefixModel model, long seed, bool centred)
    {
        if (!centred)
        {
            return (null, null);
        }

        using var fresh = PrefixModel.Initialize(model.Spec, seed);
        return (fresh.Prefix.clone(), fresh.Values?.clone());
    }

    [Theory]
    [MemberData(nameof(PathsMasksCentring))]
    public void ForwardMatchesTokenByTokenReference(ValuePath path, QueryMask mask, bool centred)
    {
        using var scope = NewDisposeScope();
        var (model, x, _) = SmallCase(path, mask, centred, 101);
        using var _m = model;
        var (p0, v0) = Initial(model, 101, centred);
        var expected = ReferenceOutput(model, x, model.Prefix, model.Values, p0, v0);
        TensorAssert.Close(model.Output(x), expected, Tolerance.Float64, output, $"{path}/{mask}/centred={centred} forward");
        if (centred)
        {
            Assert.True(expected.abs().max().item<double>() > 1e-3, "the centred case must be away from theta_0");
        }
    }

    [Fact]
    public void CausalAndFullDifferOnlyAfterTheFirstToken()
    {
        using var scope = NewDisposeScope();
        var (causal, x, _) = SmallCase(ValuePath.FixedValue, QueryMask.Causal, false, 7);
        var (full, _, _) = SmallCase(ValuePath.FixedValue, QueryMask.Full, false, 7);
        using var _c = causal;
        using var _f = full;
        var fc = causal.Output(x).view(Samples, Length, -1);
        var ff = full.Output(x).view(Samples, Length, -1);
        // The last token sees every token under both masks; the first sees only itself under the causal mask.
        TensorAssert.Close(fc.select(1, Length - 1), ff.select(1, Length - 1), Tolerance.Float64, output, "last token");
        Assert.True((fc.select(1, 0) - ff.select(1, 0)).abs().max().item<double>() > 1e-6, "the first token must differ between masks");
    }

    [Theory]
    [MemberData(nameof(PathsMasksCentring))]
    public void AnalyticJacobianMatchesAutograd(ValuePath path, QueryMask mask, bool centred)
    {
        using var scope = NewDisposeScope();
        var (model, x, _) = SmallCase(path, mask, centred, 211);
        using var _m = model;
        var (p0, v0) = Initial(model, 211, centred);
        var (f, parameters) = ReferenceWithGrad(model, x, p0, v0);
        var flat = f.reshape(-1);
        var rows = new List<Tensor>();
        for (long k = 0; k < flat.shape[0]; k++)
        {
            var grads = autograd.grad([flat[k]], parameters, retain_graph: true, allow_unused: true);
            rows.Add(cat(grads.Select((g, i) => (g is null ? zeros_like(parameters[i]) : g).reshape(-1)).ToList(), 0));
        }

        TensorAssert.Close(model.Jacobian(x), stack(rows, 0), Tolerance.Float64, output, $"{path}/{mask}/centred={centred} Jacobian vs autograd");
    }

    [Theory]
    [MemberData(nameof(PathsMasksCentring))]
    public void AnalyticJacobianMatchesFiniteDifferences(ValuePath path, QueryMask mask, bool centred)
    {
        using var scope = NewDisposeScope();
        var (model, x, _) = SmallCase(path, mask, centred, 307);
        using var _m = model;
        const double h = 1e-5;
        var columns = new List<Tensor>();
        foreach (var target in path == ValuePath.SeparateValue ? new[] { model.Prefix, model.Values! } : [model.Prefix])
        {
            var view = target.view(-1);
            for (long q = 0; q < view.shape[0]; q++)
            {
                double original = view[q].item<double>();
                view[q] = original + h;
                var plus = model.Output(x).reshape(-1);
                view[q] = original - h;
                var minus = model.Output(x).reshape(-1);
                view[q] = original;
                columns.Add((plus - minus) / (2 * h));
            }
        }

        TensorAssert.Close(model.Jacobian(x), stack(columns, 1), Tolerance.FiniteDifference64, output, $"{path}/{mask}/centred={centred} Jacobian vs central differences");
    }

    [Theory]
    [MemberData(nameof(PathsMasksCentring))]
    public void LossGradientMatchesAutograd(ValuePath path, QueryMask mask, bool centred)
    {
        using var scope = NewDisposeScope();
        var (model, x, y) = SmallCase(path, mask, centred, 401);
        using var _m = model;
        var (p0, v0) = Initial(model, 401, centred);
        var (f, parameters) = ReferenceWithGrad(model, x, p0, v0);
        var grads = autograd.grad([(f - y).square().sum() * 0.5], parameters);
        var (gp, gv) = model.LossGradient(x, y);
        TensorAssert.Close(gp, grads[0], Tolerance.Float64, output, $"{path}/{mask} dL/dP");
        Assert.Equal(path == ValuePath.SeparateValue, gv is not null);
        if (gv is not null)
        {
            TensorAssert.Close(gv, grads[1], Tolerance.Float64, output, $"{path}/{mask} dL/dV");
        }
    }

    [Theory]
    [InlineData(ValuePath.FixedValue, 5)]
    [InlineData(ValuePath.SeparateValue, 5)]
    [InlineData(ValuePath.TiedValue, 5)]
    [InlineData(ValuePath.FixedValue, 50_000)]
    public void BlockedKernelEqualsJacobianGram(ValuePath path, int prefixLength)
    {
        // 50,000 rows of a (6 x 2) x 3 Jacobian exceed one block of 2^20 elements, so the blocked sum is exercised.
        using var scope = NewDisposeScope();
        var (model, x, _) = SmallCase(path, QueryMask.Causal, false, 503, prefixLength);
        using var _m = model;
        var j = model.Jacobian(x);
        TensorAssert.Close(model.Kernel(x), j.mm(j.t()) / model.Spec.Scale.KernelFactor(prefixLength), Tolerance.Float64, output, $"{path} m={prefixLength} kernel");
    }

    [Theory]
    [InlineData(ValuePath.FixedValue, false)]
    [InlineData(ValuePath.SeparateValue, false)]
    [InlineData(ValuePath.TiedValue, false)]
    [InlineData(ValuePath.SeparateValue, true)]
    public void WithoutInputTokensItIsPartAModelExactly(ValuePath path, bool centred)
    {
        using var scope = NewDisposeScope();
        var spec = PrefixModelSpec.Create(path, Dim, 64, 0.5, outputDim: 2) with { Centred = centred };
        using var partA = PrefixModel.Initialize(spec, 601);
        using var model = new CausalPrefixModel(partA, Length, QueryMask.None, null);
        var x = InputSets.UnitSphere(Samples * Length, Dim, 602);
        var y = InputSets.Targets(Samples * Length, spec.OutputDim, 603);
        if (centred)
        {
            using var g = partA.LossGradient(x, y).Prefix;
            partA.Step(g, null, 0.3);
            model.Step(g, null, 0.3);
        }

        Assert.True(TensorAssert.Identical(model.Output(x), partA.Output(x)), "outputs must be bit-for-bit equal");
        Assert.True(TensorAssert.Identical(model.Jacobian(x), partA.Jacobian(x)), "Jacobians must be bit-for-bit equal");
        var (gp, gv) = model.LossGradient(x, y);
        var (ep, ev) = partA.LossGradient(x, y);
        Assert.True(TensorAssert.Identical(gp, ep), "prefix gradients must be bit-for-bit equal");
        Assert.Equal(ev is null, gv is null);
        if (gv is not null)
        {
            Assert.True(TensorAssert.Identical(gv, ev!), "value gradients must be bit-for-bit equal");
        }

        TensorAssert.Close(model.Kernel(x), EmpiricalKernel.Compute(partA, x), Tolerance.Float64, output, $"{path} kernel vs Part A's");
        Assert.Equal(0.0, model.InputShare(x), 15);
    }

    [Fact]
    public void InputTokensShareFallsLikeOneOverM()
    {
        using var scope = NewDisposeScope();
        var (small, x, _) = SmallCase(ValuePath.FixedValue, QueryMask.Full, false, 701, 64);
        var (large, _, _) = SmallCase(ValuePath.FixedValue, QueryMask.Full, false, 701, 4096);
        using var _s = small;
        using var _l = large;
        double ratio = small.InputShare(x) / large.InputShare(x);
        output.WriteLine($"input share m=64 / m=4096: {ratio:F1} (1/m predicts 64)");
        Assert.InRange(ratio, 32, 128);
    }

    [Fact]
    public void RejectsMisshapenQueriesAndLargeTokenValues()
    {
        using var scope = NewDisposeScope();
        var (model, _, _) = SmallCase(ValuePath.FixedValue, QueryMask.Causal, false, 801);
        using var _m = model;
        var odd = InputSets.UnitSphere((Samples * Length) - 1, Dim, 802);
        Assert.Contains("multiple of L", Assert.Throws<ArgumentException>(() => model.Output(odd)).Message, StringComparison.Ordinal);
        var spec = PrefixModelSpec.Create(ValuePath.FixedValue, Dim, Prefix, 0.5, outputDim: 2);
        using var p = PrefixModel.Initialize(spec, 803);
        var big = ones(Samples * Length, 2, dtype: ScalarType.Float64);
        Assert.Contains("norm at most 1", Assert.Throws<ArgumentException>(() => new CausalPrefixModel(p, Length, QueryMask.Causal, big)).Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new CausalPrefixModel(p, Length, QueryMask.None, big * 0.1));
        Assert.Throws<ArgumentException>(() => new CausalPrefixModel(p, Length, QueryMask.Full, null));
    }
}
