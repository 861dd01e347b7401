namespace NtkProofs.Data;

/// <summary>The two real text-classification tasks of issue 5 (both from Debian's python3-pattern test corpora).</summary>
public enum ClassificationTask
{
    /// <summary>Task 1: Pang &amp; Lee sentence polarity v1.0 subset, 4,000 movie-review sentences, 1 = positive, -1 = negative.</summary>
    Polarity,

    /// <summary>Task 2: CoNLL-2010 shared task 1 (Wikipedia), 3,000 sentences, 1 = certain, -1 = uncertain (hedged).</summary>
    Uncertainty,
}

/// <summary>Names, files and label meanings of the <see cref="ClassificationTask"/>s.</summary>
public static class ClassificationTasks
{
    /// <summary>The CSV file of a task inside python3-pattern's <c>test/corpora</c> folder.</summary>
    /// <param name="task">The task.</param>
    public static string FileName(ClassificationTask task) => task switch
    {
        ClassificationTask.Polarity => "polarity-en-pang&lee2.csv",
        ClassificationTask.Uncertainty => "uncertainty-conll2010.csv",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "unknown task"),
    };

    /// <summary>The CLI / config name.</summary>
    /// <param name="task">The task.</param>
    public static string CliName(ClassificationTask task) => task switch
    {
        ClassificationTask.Polarity => "polarity",
        ClassificationTask.Uncertainty => "uncertainty",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "unknown task"),
    };

    /// <summary>Parses a CLI / config name.</summary>
    /// <param name="name">polarity or uncertainty.</param>
    public static ClassificationTask Parse(string name) => name switch
    {
        "polarity" => ClassificationTask.Polarity,
        "uncertainty" => ClassificationTask.Uncertainty,
        _ => throw new ArgumentException($"unknown task '{name}' (expected polarity or uncertainty)", nameof(name)),
    };

    /// <summary>The meaning of class index 0 and 1 (CSV labels -1 and 1).</summary>
    /// <param name="task">The task.</param>
    public static (string Zero, string One) LabelNames(ClassificationTask task) => task switch
    {
        ClassificationTask.Polarity => ("negative", "positive"),
        ClassificationTask.Uncertainty => ("uncertain", "certain"),
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "unknown task"),
    };
}
