using NtkProofs.FineTuning;

namespace NtkProofs.Tests.FineTuning;

public sealed class BatchOrderTests
{
    [Fact]
    public void Each_epoch_visits_every_full_batch_once_and_is_reproducible()
    {
        var a = new BatchOrder(10, 3, seed: 4);
        var b = new BatchOrder(10, 3, seed: 4);
        var epoch = Enumerable.Range(0, 3).SelectMany(_ => a.Next()).ToList();
        Assert.Equal(9, epoch.Distinct().Count());
        Assert.Equal(epoch, Enumerable.Range(0, 3).SelectMany(_ => b.Next()));
        a.Next();
        Assert.Equal(1, a.Epoch);
    }
}
