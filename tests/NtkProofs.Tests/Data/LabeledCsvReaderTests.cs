using NtkProofs.Data;

namespace NtkProofs.Tests.Data;

/// <summary>The CSV parser on an embedded sample with python3-pattern's quirks (no network).</summary>
public sealed class LabeledCsvReaderTests
{
    // BOM, quoted fields, "" escapes, a newline inside quotes (trailing, as in pang&lee2, and in the middle), CRLF.
    private const string Sample =
        "\uFEFF\"1\",\"the rock is destined to be the 21st century's new \"\" conan \"\" . \n\"\n" +
        "\"-1\",\"simplistic , silly and tedious . \n\"\r\n" +
        "\"1\",\"a comma , inside\nand a line break\"\n" +
        "\"-1\",\"In children, this type of hearing loss can lead to social isolation.\"\n";

    [Fact]
    public void Parses_quoted_fields_with_escapes_newlines_and_a_bom()
    {
        var rows = LabeledCsvReader.Read(new StringReader(Sample), "sample");
        Assert.Equal(4, rows.Count);
        Assert.Equal(new LabeledSentence("the rock is destined to be the 21st century's new \" conan \" .", 1), rows[0]);
        Assert.Equal(new LabeledSentence("simplistic , silly and tedious .", 0), rows[1]);
        Assert.Equal("a comma , inside\nand a line break", rows[2].Text);
        Assert.Equal(1, rows[2].Label);
        Assert.Equal(0, rows[3].Label);
    }

    [Fact]
    public void Reads_a_file_with_a_utf8_bom()
    {
        string path = Path.GetTempFileName();
        try
        {
            File.WriteAllText(path, Sample.TrimStart('\uFEFF'), new System.Text.UTF8Encoding(encoderShouldEmitUTF8Identifier: true));
            Assert.Equal(4, LabeledCsvReader.ReadFile(path).Count);
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Theory]
    [InlineData("\"2\",\"text\"\n", "label '2'")]
    [InlineData("\"1\",\"a\",\"b\"\n", "3 fields")]
    [InlineData("\"1\",\"   \"\n", "empty text")]
    public void Bad_rows_are_reported_with_the_source_and_record(string csv, string fragment)
    {
        var e = Assert.Throws<InvalidDataException>(() => LabeledCsvReader.Read(new StringReader(csv), "bad.csv"));
        Assert.StartsWith("bad.csv: record 1", e.Message, StringComparison.Ordinal);
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }
}
