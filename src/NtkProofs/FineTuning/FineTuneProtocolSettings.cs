namespace NtkProofs.FineTuning;

/// <summary>The settings of <see cref="FineTuneProtocol"/>.</summary>
/// <param name="LearningRates">The search grid (log-spaced, at least <see cref="LearningRateSearch.MinimumGridSize"/> values).</param>
/// <param name="SearchSeed">The one seed of the search.</param>
/// <param name="Seeds">The seeds at the chosen rate (at least <see cref="FineTuneProtocol.MinimumSeeds"/>, distinct).</param>
/// <param name="StepCap">Most optimizer steps per run (the schedule's length).</param>
/// <param name="EvalEvery">Steps between validation evaluations.</param>
/// <param name="Patience">Evaluations without improvement before stopping.</param>
public sealed record FineTuneProtocolSettings(IReadOnlyList<double> LearningRates, int SearchSeed, IReadOnlyList<int> Seeds, int StepCap, int EvalEvery, int Patience)
{
    /// <summary>Returns the settings after checking them; throws <see cref="ArgumentException"/>.</summary>
    /// <param name="minimumSeeds">Fewest seeds allowed (the protocol's <see cref="FineTuneProtocol.MinimumSeeds"/>; smaller only for quick checks).</param>
    public FineTuneProtocolSettings Validated(int minimumSeeds = FineTuneProtocol.MinimumSeeds)
    {
        LearningRateSearch.Validate(LearningRates);
        if (Seeds.Count < minimumSeeds || Seeds.Distinct().Count() != Seeds.Count)
        {
            throw new ArgumentException($"the protocol needs at least {minimumSeeds} distinct seeds at the chosen rate, got {Seeds.Count}");
        }

        if (StepCap < 1 || EvalEvery < 1 || EvalEvery > StepCap || Patience < 1)
        {
            throw new ArgumentException($"need step cap >= 1, 1 <= eval every <= step cap and patience >= 1, got {StepCap}, {EvalEvery}, {Patience}");
        }

        return this;
    }
}
