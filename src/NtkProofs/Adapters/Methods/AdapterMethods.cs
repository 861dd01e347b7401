using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace NtkProofs.Adapters;

/// <summary>
/// The one registry of fine-tuning methods (in table and legend order). Everything that dispatches on a method (the
/// factory, the parameter counter, <c>adapter_config.json</c>'s polymorphism, the fine-tuning config, the sweep experiment
/// and the report) asks this list; a new method is a folder under <c>Adapters/Methods/</c> plus one line here.
/// </summary>
public static class AdapterMethods
{
    /// <summary>Every method, in display order.</summary>
    public static IReadOnlyList<IAdapterMethod> All { get; } =
    [
        new HeadOnlyMethod(),
        new FullFineTuningMethod(),
        new LoraMethod(),
        new PrefixTuningMethod(),
        new NtkAttentionMethod(),
    ];

    /// <summary>The method names, in order.</summary>
    public static IReadOnlyList<string> Names { get; } = [.. All.Select(m => m.Name)];

    /// <summary>"head, full, lora, prefix or ntk".</summary>
    public static string NamesText => string.Join(", ", Names.SkipLast(1)) + " or " + Names[^1];

    /// <summary>Whether <paramref name="name"/> is a registered method.</summary>
    /// <param name="name">The name.</param>
    public static bool Contains(string? name) => All.Any(m => m.Name == name);

    /// <summary>The method called <paramref name="name"/>; throws <see cref="ArgumentException"/> naming the known ones.</summary>
    /// <param name="name">The name.</param>
    public static IAdapterMethod Get(string name) =>
        All.FirstOrDefault(m => m.Name == name) ?? throw new ArgumentException($"unknown method '{name}' (expected {NamesText})", nameof(name));

    /// <summary>The method of a configuration.</summary>
    /// <param name="config">The configuration.</param>
    public static IAdapterMethod For(AdapterConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return All.FirstOrDefault(m => m.ConfigType == config.GetType())
            ?? throw new ArgumentException($"the configuration type {config.GetType().Name} is not registered in AdapterMethods", nameof(config));
    }

    /// <summary>Position of a method in <see cref="All"/> (unknown names sort last).</summary>
    /// <param name="name">The name.</param>
    public static int Order(string name)
    {
        for (int i = 0; i < All.Count; i++)
        {
            if (All[i].Name == name)
            {
                return i;
            }
        }

        return int.MaxValue;
    }

    /// <summary>
    /// A <see cref="DefaultJsonTypeInfoResolver"/> modifier that makes <see cref="AdapterConfig"/> polymorphic over the
    /// registered configuration types, with the <c>"method"</c> discriminator.
    /// </summary>
    /// <param name="info">The type info being built.</param>
    public static void AddPolymorphism(JsonTypeInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (info.Type != typeof(AdapterConfig))
        {
            return;
        }

        var options = new JsonPolymorphismOptions
        {
            TypeDiscriminatorPropertyName = "method",
            UnknownDerivedTypeHandling = JsonUnknownDerivedTypeHandling.FailSerialization,
        };
        foreach (var method in All)
        {
            options.DerivedTypes.Add(new JsonDerivedType(method.ConfigType, method.Name));
        }

        info.PolymorphismOptions = options;
    }
}
