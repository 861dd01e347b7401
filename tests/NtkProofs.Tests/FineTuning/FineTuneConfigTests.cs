using NtkProofs.Adapters;
using NtkProofs.FineTuning;

namespace NtkProofs.Tests.FineTuning;

public sealed class FineTuneConfigTests
{
    private static string ConfigDirectory
    {
        get
        {
            var dir = new DirectoryInfo(AppContext.BaseDirectory);
            while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "NtkProofs.sln")))
            {
                dir = dir.Parent;
            }

            return Path.Combine(dir?.FullName ?? throw new DirectoryNotFoundException("repository root not found"), "experiments", "configs", "finetune");
        }
    }

    [Fact]
    public void Defaults_json_equals_the_built_in_defaults()
    {
        string json = File.ReadAllText(Path.Combine(ConfigDirectory, "defaults.json"));
        Assert.Equal(new FineTuneConfig(), FineTuneConfig.Merge([("defaults.json", json)]));
    }

    [Fact]
    public void Every_shipped_config_is_valid()
    {
        string defaults = File.ReadAllText(Path.Combine(ConfigDirectory, "defaults.json"));
        foreach (var file in Directory.GetFiles(ConfigDirectory, "*.json"))
        {
            var config = FineTuneConfig.Merge([("defaults.json", defaults), (file, File.ReadAllText(file))]);
            Assert.NotNull(config.ToAdapterConfig());
        }
    }

    [Fact]
    public void Later_layers_override_earlier_ones_field_by_field()
    {
        var config = FineTuneConfig.Merge([("a", "{\"method\": \"prefix\", \"prefix_length\": 20}"), ("b", "{\"prefix_length\": 5, \"steps\": 7}")]);
        Assert.Equal(new PrefixTuningAdapterConfig(5), config.ToAdapterConfig());
        Assert.Equal(7, config.Steps);
    }

    [Theory]
    [InlineData("{\"stepz\": 3}", "unknown setting 'stepz'")]
    [InlineData("{\"steps\": \"many\"}", "invalid fine-tuning configuration")]
    [InlineData("[1, 2]", "not a JSON object")]
    public void Bad_layers_name_the_problem(string json, string fragment)
    {
        var e = Assert.Throws<InvalidDataException>(() => FineTuneConfig.Merge([("x.json", json)]));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"steps\": 0}", "steps")]
    [InlineData("{\"method\": \"adapterfusion\"}", "unknown method")]
    [InlineData("{\"task\": \"sst2\"}", "unknown task")]
    [InlineData("{\"learning_rate\": -1}", "learning rate")]
    public void Invalid_values_throw_argument_exceptions(string json, string fragment)
    {
        var e = Assert.Throws<ArgumentException>(() => FineTuneConfig.Merge([("x.json", json)]));
        Assert.Contains(fragment, e.Message, StringComparison.Ordinal);
    }
}
