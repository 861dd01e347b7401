using NtkProofs.Model;

namespace NtkProofs.Tests.Support;

/// <summary>The value path x output scale grid every gradient and kernel test runs over.</summary>
public static class Cases
{
    public static TheoryData<ValuePath, OutputScale> PathsAndScales()
    {
        var data = new TheoryData<ValuePath, OutputScale>();
        foreach (var path in Enum.GetValues<ValuePath>())
        {
            foreach (var scale in Enum.GetValues<OutputScale>())
            {
                data.Add(path, scale);
            }
        }

        return data;
    }
}
