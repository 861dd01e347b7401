namespace NtkProofs.Tests.Support;

/// <summary>
/// Tests that compare numbers bitwise across runs: libtorch's thread count is process-wide and changes the last bits of its
/// reductions, so these run alone (not in parallel with tests that set another thread count).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SerialTorchCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "serial torch threads";
}
