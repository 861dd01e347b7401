namespace NtkProofs.Tests.Support;

/// <summary>
/// Tests that change TorchSharp's process-wide default device (<c>torch.set_default_device</c>) run in this collection,
/// alone: xunit runs it after the parallel collections, so no other test sees the changed default.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class DefaultDeviceCollection
{
    /// <summary>The collection's name.</summary>
    public const string Name = "torch default device (process-wide)";
}
