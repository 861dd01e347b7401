using System.Text;
using NtkProofs.Data;
using NtkProofs.Pretrained;
using NtkProofs.Tokenization;

namespace NtkProofs.Tests.Support;

/// <summary>
/// A tiny stand-in for all-MiniLM-L6-v2 (the <see cref="TinyModels"/> encoder, random weights from seed 1) with a word-level
/// vocabulary of a few dozen words, and a synthetic two-class sentence set over those words: enough to run fine-tuning
/// and adapter checks end to end in well under a second.
/// </summary>
internal static class TinyEncoder
{
    private static readonly string[] Positive = ["good", "great", "fine", "lovely", "superb", "moving"];
    private static readonly string[] Negative = ["bad", "awful", "dull", "poor", "boring", "messy"];
    private static readonly string[] Subjects = ["the movie", "this film", "the plot", "the cast", "a story", "the ending"];
    private static readonly string[] Verbs = ["was", "is", "seems", "felt"];
    private static readonly string[] Adverbs = ["very", "really", "quite", "so"];

    /// <summary>The encoder source (model name "tiny-random-bert-seed-1").</summary>
    public static EncoderSource Source { get; } = new("tiny-random-bert-seed-1", TinyModels.Config(), () => TinyModels.Base(1), Tokenizer);

    /// <summary>A word-level tokenizer whose ids stay below the tiny vocabulary size.</summary>
    public static BertTextTokenizer Tokenizer()
    {
        var words = Positive.Concat(Negative).Concat(Subjects.SelectMany(s => s.Split(' '))).Concat(Verbs).Concat(Adverbs).Append(".").Distinct();
        string vocabulary = string.Join('\n', new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]" }.Concat(words)) + "\n";
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes(vocabulary));
        return BertTextTokenizer.Create(stream);
    }

    /// <summary><paramref name="count"/> balanced sentences, label 1 with a positive word and 0 with a negative one.</summary>
    /// <param name="count">Number of sentences (even).</param>
    public static IReadOnlyList<LabeledSentence> Sentences(int count = 240)
    {
        var random = new Random(11);
        return
        [
            .. Enumerable.Range(0, count).Select(i =>
            {
                int label = i % 2;
                string adjective = (label == 1 ? Positive : Negative)[random.Next(Positive.Length)];
                return new LabeledSentence($"{Subjects[random.Next(Subjects.Length)]} {Verbs[random.Next(Verbs.Length)]} {Adverbs[random.Next(Adverbs.Length)]} {adjective} .", label);
            }),
        ];
    }
}
