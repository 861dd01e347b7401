using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static NtkProofs.Tests.Attention.AttentionFixtures;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Attention;

/// <summary>Closed-form Z(P), k(P): the definition, chunking, streaming in several calls, and input checks.</summary>
public sealed class PrefixAccumulatorTests(ITestOutputHelper output)
{
    [Theory]
    [InlineData("elu1")]
    [InlineData("taylor:3")]
    [InlineData("prf:12")]
    public void ClosedFormIsTheSumOfFeatureOuterProducts(string spec)
    {
        using var scope = NewDisposeScope();
        var phi = FeatureMapParser.Parse(spec, 3);
        var pk = Randn(1, [2, 9, 3]);
        var pv = Randn(2, [2, 9, 4]);
        var (z, k) = PrefixAccumulator.Compute(phi, pk, pv, chunkSize: 4);
        for (int h = 0; h < 2; h++)
        {
            var features = phi.Apply(pk[h]);
            TensorAssert.Close(z[h], features.t().mm(pv[h]), Tolerance.Float64, output, $"{spec} Z head {h}");
            TensorAssert.Close(k[h], features.sum([0L]), Tolerance.Float64, output, $"{spec} k head {h}");
        }
    }

    [Fact]
    public void StreamingInSeveralCallsEqualsOneCall()
    {
        using var scope = NewDisposeScope();
        var phi = new TaylorFeatureMap(2, 2);
        var pk = Randn(3, [1, 100, 2]);
        var pv = Randn(4, [1, 100, 2]);
        var (z, k) = PrefixAccumulator.Compute(phi, pk, pv, chunkSize: 1000);
        using var stream = new PrefixAccumulator(phi, 1, 2, ScalarType.Float64);
        stream.Add(pk.narrow(1, 60, 40), pv.narrow(1, 60, 40), chunkSize: 7);
        stream.Add(pk.narrow(1, 0, 0), pv.narrow(1, 0, 0));
        stream.Add(pk.narrow(1, 0, 60), pv.narrow(1, 0, 60), chunkSize: 13);
        Assert.Equal(100, stream.Count);
        TensorAssert.Close(stream.Z, z, Tolerance.Float64, output, "Z streamed");
        TensorAssert.Close(stream.K, k, Tolerance.Float64, output, "k streamed");
    }

    [Fact]
    public void MismatchedChunksAreRejected()
    {
        using var scope = NewDisposeScope();
        using var acc = new PrefixAccumulator(new Elu1FeatureMap(3), 2, 4, ScalarType.Float64);
        Assert.Throws<ArgumentException>(() => acc.Add(zeros(2, 5, 2, dtype: ScalarType.Float64), zeros(2, 5, 4, dtype: ScalarType.Float64)));
        Assert.Throws<ArgumentException>(() => acc.Add(zeros(3, 5, 3, dtype: ScalarType.Float64), zeros(3, 5, 4, dtype: ScalarType.Float64)));
        Assert.Throws<ArgumentException>(() => acc.Add(zeros(2, 5, 3, dtype: ScalarType.Float64), zeros(2, 4, 4, dtype: ScalarType.Float64)));
        Assert.Throws<ArgumentException>(() => acc.Add(zeros(2, 5, 3, dtype: ScalarType.Float32), zeros(2, 5, 4, dtype: ScalarType.Float32)));
        Assert.Equal(0, acc.Count);
    }
}
