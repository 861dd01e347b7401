using NtkProofs.Data;

namespace NtkProofs.Tests.Data;

/// <summary>
/// The real fetch from Debian's apt (python3-pattern, 16 MB) into a temporary cache, and the row counts of both tasks.
/// Needs apt-get and network access to the Debian mirror, which CI has; the parser itself is covered offline by
/// <see cref="LabeledCsvReaderTests"/>.
/// </summary>
public sealed class PatternCorpusFetchTests
{
    [Fact]
    public void Fetches_both_task_csvs_with_the_documented_sizes()
    {
        string cache = Path.Combine(Path.GetTempPath(), "ntkproofs-data-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            PatternCorpus.Fetch(cache);
            var polarity = LabeledCsvReader.ReadFile(Path.Combine(cache, ClassificationTasks.FileName(ClassificationTask.Polarity)));
            var uncertainty = LabeledCsvReader.ReadFile(Path.Combine(cache, ClassificationTasks.FileName(ClassificationTask.Uncertainty)));
            Assert.Equal(4000, polarity.Count);
            Assert.Equal(2000, polarity.Count(e => e.Label == 1));
            Assert.Equal(3000, uncertainty.Count);
            Assert.Equal(1500, uncertainty.Count(e => e.Label == 1));
            Assert.True(File.Exists(Path.Combine(cache, "SOURCE.txt")));
        }
        finally
        {
            if (Directory.Exists(cache))
            {
                Directory.Delete(cache, recursive: true);
            }
        }
    }
}
