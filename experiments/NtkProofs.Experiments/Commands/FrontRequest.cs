namespace NtkProofs.Experiments.Commands;

/// <summary>What a front command (<c>ntk-bound</c>, <c>ntk-train</c>, <c>lemmas</c>, <c>bench attention</c>) was asked to run.</summary>
/// <param name="Command">The command's name (its summary file is <c>&lt;command&gt;.json</c>).</param>
/// <param name="Profile">smoke, quick or full: the configs are experiments/configs/&lt;profile&gt;/&lt;name&gt;.json.</param>
/// <param name="Configs">The config names the command runs (the report's, for the same measurements).</param>
/// <param name="Overlay">The flags' changes to one config (given its name and the loaded profile config).</param>
/// <param name="Output">The output folder.</param>
/// <param name="Device">cpu or cuda, passed unchanged to <see cref="ExperimentContext.Device"/>.</param>
/// <param name="Arguments">The command line's tokens, for the manifest.</param>
/// <param name="CommandLine">The command line, for the summary.</param>
public sealed record FrontRequest(
    string Command,
    string Profile,
    IReadOnlyList<string> Configs,
    Func<string, ConfigOverlay, ConfigOverlay> Overlay,
    DirectoryInfo Output,
    string Device,
    IReadOnlyList<string> Arguments,
    string CommandLine);
