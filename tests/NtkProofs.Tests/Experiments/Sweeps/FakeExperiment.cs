using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using NtkProofs.Experiments.Sweeps;

namespace NtkProofs.Tests.Experiments.Sweeps;

/// <summary>
/// A deterministic stand-in experiment for the sweep engine's tests: its result is a pure function of the point and the
/// master seed. It counts calls per key, can cancel a token after k points (a simulated Ctrl+C / kill), and can throw.
/// </summary>
internal sealed class FakeExperiment : IExperiment
{
    public const string ExperimentName = "fake";

    public string Name => ExperimentName;

    public string Description => "deterministic test experiment";

    public IReadOnlyList<ParameterSpec> Parameters { get; } =
    [
        ParameterSpec.Int("m", 16, "prefix length", 1, 1 << 20),
        ParameterSpec.Int("d", 4, "width", 1, 64),
        ParameterSpec.Real("r", 0.5, "a real knob", 0, 10),
        ParameterSpec.Text("path", "fixed", "value path", "fixed", "separate", "tied"),
        ParameterSpec.Bool("flag", false, "a switch"),
        ParameterSpec.Int("replicate", 0, "replicate", 0, 1000),
    ];

    /// <summary>Calls per point key.</summary>
    public ConcurrentDictionary<string, int> Calls { get; } = new(StringComparer.Ordinal);

    /// <summary>Total calls.</summary>
    public int TotalCalls => Calls.Values.Sum();

    /// <summary>When set, <see cref="CancelAfter"/> points after which this source is cancelled.</summary>
    public CancellationTokenSource? CancelSource { get; set; }

    /// <summary>Cancel <see cref="CancelSource"/> once this many points have been computed.</summary>
    public int CancelAfter { get; set; } = int.MaxValue;

    /// <summary>If true, a point started after cancellation throws <see cref="OperationCanceledException"/> (abandons).</summary>
    public bool HonourCancellation { get; set; }

    /// <summary>Throw <see cref="ArgumentException"/> for points where this is true.</summary>
    public Func<SweepPoint, bool>? RejectWhen { get; set; }

    /// <summary>Changes the result (to simulate a run from different code).</summary>
    public double Offset { get; set; }

    /// <summary>The parts folder each point's context carried (<see cref="ExperimentContext.Parts"/>), by key.</summary>
    public ConcurrentDictionary<string, string> PartsGiven { get; } = new(StringComparer.Ordinal);

    /// <summary>Points that found a part written by an earlier call: the call count that part recorded.</summary>
    public ConcurrentDictionary<string, int> PartsFound { get; } = new(StringComparer.Ordinal);

    /// <summary>Points whose context carried a status listener (<see cref="ExperimentContext.Status"/>); each was told "working".</summary>
    public int StatusListened { get; private set; }

    public JsonObject Run(SweepPoint point, ExperimentContext context)
    {
        context.Cancellation.ThrowIfCancellationRequested();
        if (context.Status is { } status)
        {
            StatusListened++;
            status("working [1/2]");
        }

        if (RejectWhen?.Invoke(point) == true)
        {
            throw new ArgumentException($"m = {point.Int("m")} is not allowed with d = {point.Int("d")}");
        }

        Calls.AddOrUpdate(point.Key, 1, (_, n) => n + 1);
        if (context.Parts is { } parts)
        {
            // A long experiment's finished part: what an earlier, interrupted call left is visible here.
            PartsGiven[point.Key] = parts.Folder;
            if (parts.Read("visit") is { } earlier)
            {
                PartsFound[point.Key] = earlier.Content["calls"]!.GetValue<int>();
            }

            parts.Write("visit", new JsonObject { ["calls"] = Calls[point.Key] });
        }

        long m = point.Int("m"), d = point.Int("d");
        double r = point.Real("r");
        var result = new JsonObject
        {
            ["value"] = (Math.Sqrt(m) * r / 3.0) + d + Offset + (context.MasterSeed % 97),
            ["label"] = $"{point.Text("path")}/{(point.Bool("flag") ? "on" : "off")}",
            ["ratio"] = 1.0 / (m + d + point.Int("replicate") + 1),
            ["series"] = new JsonArray(JsonValue.Create(m), JsonValue.Create(r * r), JsonValue.Create(0.1 + 0.2)),
            ["unicode"] = "λ_min ≥ 3λ*/4",
        };
        if (TotalCalls >= CancelAfter)
        {
            CancelSource?.Cancel();
            if (HonourCancellation)
            {
                context.Cancellation.ThrowIfCancellationRequested();
            }
        }

        return result;
    }
}
