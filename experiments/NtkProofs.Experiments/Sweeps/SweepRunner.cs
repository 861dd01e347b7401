using System.Diagnostics;
using System.Text.Json.Nodes;
using Spectre.Console;

namespace NtkProofs.Experiments.Sweeps;

/// <summary>
/// Runs the points of a plan (or of one shard of it) that are not yet in the store, in plan order, appending each result
/// to the store as soon as it is finished. Rerunning after an interruption therefore computes only what is missing, and the
/// final results are exactly those of an uninterrupted run (experiments are deterministic functions of point and seed).
/// </summary>
public static class SweepRunner
{
    /// <summary>Runs the plan in memory (no store): every point of the shard is computed. For in-process use (reports).</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="options">Shard, device, console, cancellation.</param>
    public static SweepRunSummary Run(SweepPlan plan, SweepRunOptions options) => Run(plan, options, null);

    /// <summary>Runs the points of the plan's shard that are not in <paramref name="store"/> yet.</summary>
    /// <param name="plan">The plan.</param>
    /// <param name="options">Shard, device, manifest id, console, cancellation.</param>
    /// <param name="store">Where results are kept (opened for the same plan and shard), or null to keep them in memory.</param>
    /// <exception cref="ArgumentException">The experiment rejected a point (the message names the point); earlier points stay stored.</exception>
    public static SweepRunSummary Run(SweepPlan plan, SweepRunOptions options, ResultStore? store)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(options);
        if (store is not null && (!ReferenceEquals(store.Plan, plan) || store.Shard != options.Shard))
        {
            throw new ArgumentException($"the store {store.Path} was opened for another plan or shard", nameof(store));
        }

        var clock = Stopwatch.StartNew();
        var shardPoints = plan.Select(options.Shard);
        var done = new Dictionary<string, SweepResult>(StringComparer.Ordinal);
        if (store is not null)
        {
            foreach (var (key, result) in store.Completed)
            {
                done[key] = result;
            }
        }

        if (store is not null)
        {
            // Parts left by a point whose line was stored just before an interruption are no longer needed.
            foreach (var p in shardPoints.Where(p => done.ContainsKey(p.Point.Key)))
            {
                new PointParts(System.IO.Path.GetDirectoryName(store.Path)!, p.Point.Key, plan.Config.Seed).Delete();
            }
        }

        int alreadyDone = done.Count;
        var todo = shardPoints.Where(p => !done.ContainsKey(p.Point.Key)).ToList();
        var console = options.Console;
        string scope = options.Shard is { } s ? $"shard {s} ({shardPoints.Count} of {plan.Points.Count} points)" : $"{plan.Points.Count} points";
        if (console is not null)
        {
            console.MarkupLineInterpolated($"[bold]{plan.Experiment}[/]: {scope}; {alreadyDone} already done, {todo.Count} to run");
            if (store?.DroppedTruncatedLine is not null)
            {
                console.MarkupLineInterpolated($"[yellow]dropped a truncated last line from {store.Path} (a write cut off by an interruption); its point runs again[/]");
            }
        }

        int computed = 0;
        bool interrupted = false;
        var context = new ExperimentContext(plan.Config.Seed, options.Device, options.Cancellation);
        void RunAll(ProgressTask? task)
        {
            foreach (var planned in todo)
            {
                if (options.Cancellation.IsCancellationRequested)
                {
                    interrupted = true;
                    return;
                }

                string description = Markup.Escape($"{plan.Experiment} #{planned.Index} {plan.Describe(planned.Point)}");
                if (task is not null)
                {
                    task.Description = description;
                }

                var parts = store is null ? null : new PointParts(System.IO.Path.GetDirectoryName(store.Path)!, planned.Point.Key, plan.Config.Seed, options.ManifestId);
                var pointContext = (task is null ? context : context with { Status = status => task.Description = description + Markup.Escape(": " + status) }) with { Parts = parts };
                var result = RunPoint(plan, planned, pointContext, options);
                if (result is null)
                {
                    interrupted = true;
                    return;
                }

                store?.Append(result);
                parts?.Delete();
                done[result.Key] = result;
                computed++;
                task?.Increment(1);
                options.PointFinished?.Invoke(result);
            }
        }

        if (console is not null && todo.Count > 0)
        {
            console.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new ElapsedTimeColumn(), new RemainingTimeColumn(), new SpinnerColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(Markup.Escape(plan.Experiment), maxValue: todo.Count);
                    RunAll(task);
                    task.Description = Markup.Escape($"{plan.Experiment} {(interrupted ? "interrupted" : "done")}");
                    if (interrupted)
                    {
                        task.StopTask();
                    }
                });
        }
        else
        {
            RunAll(null);
        }

        var results = shardPoints.Where(p => done.ContainsKey(p.Point.Key)).Select(p => done[p.Point.Key]).ToList();
        return new SweepRunSummary(results, shardPoints.Count, alreadyDone, computed, interrupted, store?.DroppedTruncatedLine is not null, clock.Elapsed);
    }

    /// <summary>Runs one point; null when it was abandoned because the sweep was cancelled.</summary>
    private static SweepResult? RunPoint(SweepPlan plan, PlannedPoint planned, ExperimentContext context, SweepRunOptions options)
    {
        var clock = Stopwatch.StartNew();
        JsonObject output;
        string where = $"experiment '{plan.Experiment}', point #{planned.Index} ({planned.Point.Key}: {plan.Describe(planned.Point)})";
        try
        {
            output = plan.Config.Experiment.Run(planned.Point, context)
                ?? throw new InvalidOperationException($"{where}: the experiment returned no result");
        }
        catch (OperationCanceledException) when (options.Cancellation.IsCancellationRequested)
        {
            return null;
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{where}: {e.Message}", e);
        }
        catch (InvalidDataException e)
        {
            throw new InvalidDataException($"{where}: {e.Message}", e);
        }

        double seconds = clock.Elapsed.TotalSeconds;

        // Store exactly what a later read returns, so in-memory and resumed results compare equal.
        var normalized = (JsonObject)JsonNode.Parse(JsonLinesWriter.Serialize(output))!;
        return new SweepResult(planned.Index, planned.Point, normalized, seconds, DateTime.UtcNow, plan.Config.Seed, options.ManifestId);
    }
}
