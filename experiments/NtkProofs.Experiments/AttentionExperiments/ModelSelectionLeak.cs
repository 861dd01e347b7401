namespace NtkProofs.Experiments.AttentionExperiments;

/// <summary>The measured outcome of selecting a checkpoint on the reported split (C12's fifth defect).</summary>
/// <param name="Optimism">Mean over replicates of accuracy on the selection ("test") split minus accuracy on a fresh held-out split, at the selected checkpoint.</param>
/// <param name="OptimismSe">Standard error of that mean over replicates.</param>
/// <param name="Disagreement">Fraction of replicates in which two different "test" splits select different checkpoints.</param>
/// <param name="Replicates">Replicates.</param>
public sealed record ModelSelectionMeasurement(double Optimism, double OptimismSe, double Disagreement, int Replicates);

/// <summary>
/// A small faithful port of the released trainer setting (Trainer with eval_dataset = the test split, load_best_model_at_end,
/// metric_for_best_model = accuracy): logistic regression trained by full-batch gradient descent on synthetic data, one
/// checkpoint per epoch, the checkpoint with the best accuracy on the "test" split kept and reported on that same split.
/// </summary>
public static class ModelSelectionLeak
{
    /// <summary>Measures the optimism of the reported accuracy and whether the chosen checkpoint depends on the test data.</summary>
    /// <param name="seed">Master seed.</param>
    /// <param name="replicates">Replicates (fresh data each).</param>
    /// <param name="dim">Features.</param>
    /// <param name="train">Training examples.</param>
    /// <param name="test">Examples per evaluation split.</param>
    /// <param name="epochs">Checkpoints (epochs).</param>
    public static ModelSelectionMeasurement Measure(long seed, int replicates = 200, int dim = 20, int train = 60, int test = 60, int epochs = 30)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicates, 2);
        var optimism = new double[replicates];
        int disagree = 0;
        for (int rep = 0; rep < replicates; rep++)
        {
            var rng = new Random(unchecked((int)(seed * 1_000_003 + rep)));
            var w = Enumerable.Range(0, dim).Select(_ => Normal(rng) * 0.3).ToArray();
            var trainSet = Sample(rng, w, train);
            var testA = Sample(rng, w, test);
            var testB = Sample(rng, w, test);
            var fresh = Sample(rng, w, 4 * test);
            var checkpoints = Train(trainSet, dim, epochs);
            int pickA = Best(checkpoints, testA), pickB = Best(checkpoints, testB);
            if (pickA != pickB)
            {
                disagree++;
            }

            optimism[rep] = Accuracy(checkpoints[pickA], testA) - Accuracy(checkpoints[pickA], fresh);
        }

        double mean = optimism.Average();
        double sd = Math.Sqrt(optimism.Sum(o => (o - mean) * (o - mean)) / (replicates - 1));
        return new ModelSelectionMeasurement(mean, sd / Math.Sqrt(replicates), (double)disagree / replicates, replicates);
    }

    /// <summary>The first checkpoint with the highest accuracy on the split (the trainer's load_best_model_at_end).</summary>
    /// <param name="checkpoints">Weights per epoch.</param>
    /// <param name="split">The evaluation split.</param>
    public static int Best(IReadOnlyList<double[]> checkpoints, (double[][] X, int[] Y) split)
    {
        ArgumentNullException.ThrowIfNull(checkpoints);
        int best = 0;
        double bestAccuracy = double.NegativeInfinity;
        for (int i = 0; i < checkpoints.Count; i++)
        {
            double a = Accuracy(checkpoints[i], split);
            if (a > bestAccuracy)
            {
                best = i;
                bestAccuracy = a;
            }
        }

        return best;
    }

    /// <summary>Accuracy of a linear classifier sign(w . x) on a split.</summary>
    /// <param name="w">Weights.</param>
    /// <param name="split">The split.</param>
    public static double Accuracy(double[] w, (double[][] X, int[] Y) split)
    {
        ArgumentNullException.ThrowIfNull(w);
        int correct = 0;
        for (int i = 0; i < split.Y.Length; i++)
        {
            correct += (Dot(w, split.X[i]) > 0 ? 1 : 0) == split.Y[i] ? 1 : 0;
        }

        return (double)correct / split.Y.Length;
    }

    private static List<double[]> Train((double[][] X, int[] Y) data, int dim, int epochs)
    {
        var w = new double[dim];
        var checkpoints = new List<double[]>();
        const double lr = 0.5;
        for (int e = 0; e < epochs; e++)
        {
            var grad = new double[dim];
            for (int i = 0; i < data.Y.Length; i++)
            {
                double p = 1 / (1 + Math.Exp(-Dot(w, data.X[i])));
                for (int j = 0; j < dim; j++)
                {
                    grad[j] += (p - data.Y[i]) * data.X[i][j] / data.Y.Length;
                }
            }

            for (int j = 0; j < dim; j++)
            {
                w[j] -= lr * grad[j];
            }

            checkpoints.Add((double[])w.Clone());
        }

        return checkpoints;
    }

    private static (double[][] X, int[] Y) Sample(Random rng, double[] w, int n)
    {
        var x = new double[n][];
        var y = new int[n];
        for (int i = 0; i < n; i++)
        {
            x[i] = Enumerable.Range(0, w.Length).Select(_ => Normal(rng)).ToArray();
            double p = 1 / (1 + Math.Exp(-Dot(w, x[i])));
            y[i] = rng.NextDouble() < p ? 1 : 0;
        }

        return (x, y);
    }

    private static double Dot(double[] a, double[] b)
    {
        double s = 0;
        for (int i = 0; i < a.Length; i++)
        {
            s += a[i] * b[i];
        }

        return s;
    }

    private static double Normal(Random rng) =>
        Math.Sqrt(-2 * Math.Log(1 - rng.NextDouble())) * Math.Cos(2 * Math.PI * rng.NextDouble());
}
