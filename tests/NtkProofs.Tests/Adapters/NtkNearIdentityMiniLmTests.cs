using NtkProofs.Adapters;
using NtkProofs.Numerics;
using NtkProofs.Tests.Support;
using Xunit.Abstractions;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Adapters;

/// <summary>A fresh NTK-Attention adapter on the real all-MiniLM-L6-v2 stays within the near-identity budget its k init sets.</summary>
[Collection(MiniLmCollection.Name)]
public sealed class NtkNearIdentityMiniLmTests(MiniLmFixture fixture, ITestOutputHelper output)
{
    [Fact]
    public void A_fresh_adapter_moves_MiniLM_outputs_by_less_than_the_budget_of_k_init()
    {
        // The configuration the fine-tuning grid trains (ELU+1, r = d_h = 32, full Z = 0, k = 1e-3 everywhere).
        var bert = fixture.Model;
        manual_seed(2);
        using var adapter = new NtkAttentionAdapter(new NtkAttentionAdapterConfig(), bert.Config);
        using var batch = fixture.Tokenizer.EncodeBatch(["a gripping, funny film .", "flat and lifeless, with a plot that never moves .", "fine"], 32);
        using var scope = NewDisposeScope();
        var (plain, adapted, ratios) = RatioRecordingHook.Compare(bert, adapter, batch.InputIds, batch.AttentionMask);
        double budget = ratios.Sum(NtkNearIdentity.RowChangeBound);
        var real = batch.AttentionMask.ne(0).unsqueeze(-1).expand_as(plain);
        var comparison = TensorAssert.Close(adapted.masked_select(real), plain.masked_select(real), Tolerance.NtkInitialChange(budget), output,
            $"MiniLM last_hidden_state, rho per layer [{string.Join(", ", ratios.Select(r => r.ToString("E2", System.Globalization.CultureInfo.InvariantCulture)))}], budget {budget:E3}");
        Assert.InRange(comparison.RelativeFrobenius, 1e-6, budget);
    }
}
