using NtkProofs.Experiments.Reports.Claims;
using NtkProofs.Experiments.Sweeps;
using NtkProofs.FineTuning;

namespace NtkProofs.Experiments.FineTuning;

/// <summary>
/// The grid-edge check of issue 10's protocol: where a protocol point chose the smallest or largest rate of its search
/// grid, a wider grid might have done better, and a comparison that method loses could be an artefact of tuning. A point
/// here repeats that point's search (same method, task, split, schedule and search seed, validation only) at rates
/// beyond the edge (usually one grid step); the report's fine-tuning claims then treat the point as tuned if no such
/// rate beats the chosen one on validation, and as under-tuned otherwise (<see cref="Reports.Claims.FineTuning.RateTuning"/>).
/// </summary>
public sealed class FinetuneSearchExtensionExperiment : TypedExperiment<FinetuneSearchExtensionRecord>
{
    /// <summary>The experiment's name.</summary>
    public const string ExperimentName = "finetune-lr-extension";

    private static readonly string[] Dropped = ["seeds", "lr_grid"];
    private readonly FinetuneProtocolExperiment protocol;

    /// <summary>The real experiment (all-MiniLM-L6-v2).</summary>
    public FinetuneSearchExtensionExperiment()
        : this(new FinetuneProtocolExperiment())
    {
    }

    /// <summary>The check over another protocol experiment (tests: a tiny encoder).</summary>
    /// <param name="protocol">The protocol whose search this extends.</param>
    public FinetuneSearchExtensionExperiment(FinetuneProtocolExperiment protocol)
    {
        this.protocol = protocol ?? throw new ArgumentNullException(nameof(protocol));
        Parameters =
        [
            .. protocol.Parameters.Where(p => !Dropped.Contains(p.Name)),
            ParameterSpec.Text("rates", string.Empty, "the rates beyond the protocol grid's edge to try, comma-separated (for example 0.1)"),
        ];
    }

    /// <inheritdoc />
    public override bool SupportsCuda => true;

    /// <inheritdoc />
    public override string Name => ExperimentName;

    /// <inheritdoc />
    public override string Description => "the protocol's learning-rate search (validation only, search seed) at rates beyond the grid edge a protocol point chose, to tell a tuned edge choice from an under-tuned one";

    /// <inheritdoc />
    public override IReadOnlyList<ParameterSpec> Parameters { get; }

    /// <summary>The rates of a point: positive numbers, comma-separated; a clear error otherwise.</summary>
    /// <param name="text">The <c>rates</c> parameter.</param>
    public static IReadOnlyList<double> ParseRates(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var parts = text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries);
        var rates = new List<double>();
        foreach (string p in parts)
        {
            if (!double.TryParse(p, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out double r) || !(r > 0) || double.IsInfinity(r))
            {
                throw new ArgumentException($"rates: '{p}' is not a positive number (expected for example 0.1 or 0.1,1)");
            }

            rates.Add(r);
        }

        return rates.Count == 0 ? throw new ArgumentException("rates: give at least one learning rate (for example 0.1)") : rates;
    }

    /// <inheritdoc />
    public override FinetuneSearchExtensionRecord Measure(SweepPoint point, ExperimentContext context)
    {
        ArgumentNullException.ThrowIfNull(point);
        return protocol.SearchOnly(point, ParseRates(point.Text("rates")), context);
    }
}
