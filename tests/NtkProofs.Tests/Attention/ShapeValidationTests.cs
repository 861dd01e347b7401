using NtkProofs.Measurements;
using NtkProofs.Attention;
using NtkProofs.FeatureMaps;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Attention;

/// <summary>
/// Every public attention entry point rejects mismatched shapes, dtypes and masks with an <see cref="ArgumentException"/> that
/// says what was expected, instead of reaching a tensor product that would abort the test host.
/// </summary>
public sealed class ShapeValidationTests(ITestOutputHelper output)
{
    private static Tensor Z(params long[] shape) => zeros(shape, ScalarType.Float64);

    public static TheoryData<string> BadCalls() => new()
    {
        "q rank 3", "k heads", "k d_h", "v length", "causal lengths", "dtype mix", "prefix rank 2", "prefix heads", "prefix d_h",
        "prefix values m", "prefix batch", "Z shape", "k shape", "feature map d", "mask shape", "mask rank", "additive mask int", "integer q",
    };

    [Theory]
    [MemberData(nameof(BadCalls))]
    public void BadInputsThrowArgumentExceptions(string which)
    {
        using var scope = NewDisposeScope();
        Tensor q = Z(2, 3, 4, 5), k = Z(2, 3, 4, 5), v = Z(2, 3, 4, 6), pk = Z(3, 7, 5), pv = Z(3, 7, 6);
        IFeatureMap phi = new Elu1FeatureMap(5);
        Tensor z = Z(3, 5, 6), kSum = Z(3, 5);
        bool causal = false;
        KeyMask? mask = null;
        switch (which)
        {
            case "q rank 3": q = Z(3, 4, 5); break;
            case "k heads": k = Z(2, 2, 4, 5); break;
            case "k d_h": k = Z(2, 3, 4, 4); break;
            case "v length": v = Z(2, 3, 5, 6); break;
            case "causal lengths": k = Z(2, 3, 6, 5); v = Z(2, 3, 6, 6); causal = true; break;
            case "dtype mix": k = zeros(2, 3, 4, 5, ScalarType.Float32); break;
            case "prefix rank 2": pk = Z(7, 5); pv = Z(7, 6); break;
            case "prefix heads": pk = Z(2, 7, 5); pv = Z(2, 7, 6); break;
            case "prefix d_h": pk = Z(3, 7, 4); break;
            case "prefix values m": pv = Z(3, 8, 6); break;
            case "prefix batch": pk = Z(3, 3, 7, 5); pv = Z(3, 3, 7, 6); break;
            case "Z shape": z = Z(3, 5, 5); break;
            case "k shape": kSum = Z(3, 5, 1); break;
            case "feature map d": phi = new Elu1FeatureMap(4); break;
            case "mask shape": mask = KeyMask.Keep(ones(2, 5, ScalarType.Bool)); break;
            case "mask rank": Assert.Throws<ArgumentException>(() => KeyMask.Keep(ones(2, 1, 4, ScalarType.Bool))); return;
            case "additive mask int": Assert.Throws<ArgumentException>(() => KeyMask.Additive(ones(2, 4, ScalarType.Int64))); return;
            case "integer q": q = zeros(2, 3, 4, 5, ScalarType.Int32); break;
        }

        bool prefixCase = which.StartsWith("prefix", StringComparison.Ordinal);
        bool ntkCase = which is "Z shape" or "k shape" or "feature map d";
        if (!ntkCase)
        {
            var e1 = Assert.ThrowsAny<ArgumentException>(() => PrefixAttention.Forward(q, k, v, pk, pv, causal, mask));
            var e2 = Assert.ThrowsAny<ArgumentException>(() => DenseAttention.Forward(q, k, v, pk, pv, causal, mask));
            output.WriteLine($"{which}: {e1.Message}");
            Assert.Equal(e1.Message, e2.Message);
        }

        if (!prefixCase)
        {
            var e3 = Assert.ThrowsAny<ArgumentException>(() => NtkAttention.Forward(q, k, v, phi, z, kSum, causal, mask));
            output.WriteLine($"{which} (NTK): {e3.Message}");
        }
    }

    [Fact]
    public void ReleasedReferenceRejectsTheErrorScriptsOneDimensionalK()
    {
        using var scope = NewDisposeScope();
        var q = zeros(1, 1, 6, 4);
        var e = Assert.Throws<ArgumentException>(() => ReleasedReferenceAttention.Forward(q, q, q, zeros(4), zeros(1, 1, 4, 4), false));
        output.WriteLine(e.Message);
        Assert.Contains("[1, h, d, 1]", e.Message, StringComparison.Ordinal);
    }
}
