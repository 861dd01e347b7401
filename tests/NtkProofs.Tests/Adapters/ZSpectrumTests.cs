using NtkProofs.Adapters;
using NtkProofs.Tests.Support;
using static TorchSharp.torch;

namespace NtkProofs.Tests.Adapters;

/// <summary>Singular spectra of Z (claim C19): effective rank, energy shares, the record text, and the spectra of adapters.</summary>
public sealed class ZSpectrumTests
{
    [Fact]
    public void Effective_rank_is_one_for_one_direction_and_the_dimension_for_a_flat_spectrum()
    {
        Assert.Equal(1.0, new ZSpectrum(ZSpectrum.TrainedZ, "elu1", 0, 0, [3, 0, 0, 0]).EffectiveRank, 12);
        Assert.Equal(4.0, new ZSpectrum(ZSpectrum.TrainedZ, "elu1", 0, 0, [2, 2, 2, 2]).EffectiveRank, 12);
        Assert.Equal(0.0, new ZSpectrum(ZSpectrum.TrainedZ, "elu1", 0, 0, [0, 0]).EffectiveRank);
        var z = new ZSpectrum(ZSpectrum.TrainedZ, "elu1", 0, 0, [2, 1, 1]);
        Assert.Equal(4.0 / 6.0, z.EnergyFraction(1), 12);
        Assert.Equal(1.0, z.EnergyFraction(16), 12);
    }

    [Fact]
    public void The_record_text_round_trips_and_rejects_damage()
    {
        ZSpectrum[] spectra = [new(ZSpectrum.TrainedZ, "prf:16", 1, 2, [1.5, 0.25]), new(ZSpectrum.PrefixZ, "elu1", 0, 0, [3])];
        var back = ZSpectrum.Decode(ZSpectrum.Encode(spectra));
        Assert.Equal(2, back.Count);
        Assert.Equal((ZSpectrum.TrainedZ, "prf:16", 1, 2), (back[0].Source, back[0].Feature, back[0].Layer, back[0].Head));
        Assert.Equal([1.5, 0.25], back[0].SingularValues);
        Assert.Empty(ZSpectrum.Decode(string.Empty));
        Assert.Throws<FormatException>(() => ZSpectrum.Decode("trained Z|elu1|0|x|1"));
        Assert.Throws<FormatException>(() => ZSpectrum.Decode("trained Z|elu1|0|0|-1"));
    }

    [Fact]
    public void A_full_Z_adapter_gives_one_spectrum_per_layer_and_head_equal_to_the_singular_values_of_Z()
    {
        using var adapter = new NtkAttentionAdapter(new NtkAttentionAdapterConfig(), TinyModels.Config());
        using (no_grad())
        {
            manual_seed(3);
            foreach (var (_, p) in adapter.named_parameters())
            {
                p.copy_(randn_like(p));
            }
        }

        var spectra = ZSpectra.Of(adapter);
        Assert.Equal(2 * 4, spectra.Count);
        using var sigma = linalg.svdvals(adapter.Layers[1].EffectiveZ().detach().to(ScalarType.Float64));
        double[] expected = sigma[2].data<double>().ToArray();
        var actual = spectra.Single(s => s.Layer == 1 && s.Head == 2).SingularValues;
        Assert.Equal(expected.Length, actual.Count);
        Assert.All(expected.Zip(actual), p => Assert.Equal(p.First, p.Second, 6));
        using var lowRank = new NtkAttentionAdapter(new NtkAttentionAdapterConfig(Rank: 2), TinyModels.Config());
        Assert.Empty(ZSpectra.Of(lowRank));
    }

    [Fact]
    public void A_prefix_adapter_gives_the_spectra_of_its_closed_form_with_rank_at_most_m()
    {
        manual_seed(4);
        using var prefix = new PrefixTuningAdapter(new PrefixTuningAdapterConfig(NumVirtualTokens: 2), TinyModels.Config());
        var spectra = ZSpectra.Of(prefix);
        Assert.Equal(8, spectra.Count);
        Assert.All(spectra, s => Assert.Equal(ZSpectrum.PrefixZ, s.Source));
        Assert.All(spectra, s => Assert.True(s.SingularValues[2] < 1e-9 * s.SingularValues[0], "rank of Z(P) exceeds m = 2"));
    }
}
