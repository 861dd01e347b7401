using Spectre.Console;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>How <see cref="SweepRunner"/> runs a plan.</summary>
public sealed class SweepRunOptions
{
    /// <summary>Run only this shard of the plan (null: every point).</summary>
    public ShardSpec? Shard { get; init; }

    /// <summary>"cpu" or "cuda", passed to the experiment.</summary>
    public string Device { get; init; } = "cpu";

    /// <summary>The run manifest's id, stored on every result line (null: none).</summary>
    public string? ManifestId { get; init; }

    /// <summary>Where to draw the progress bar and messages; null runs quietly (tests, CI, in-process use).</summary>
    public IAnsiConsole? Console { get; init; }

    /// <summary>
    /// Stops the sweep: the point being computed is finished (or abandoned, if the experiment honours the token by throwing
    /// <see cref="OperationCanceledException"/>) and nothing further is started. Finished points stay in the store.
    /// </summary>
    public CancellationToken Cancellation { get; init; }

    /// <summary>Called after each point is computed and stored (for callers that report as they go).</summary>
    public Action<SweepResult>? PointFinished { get; init; }
}
