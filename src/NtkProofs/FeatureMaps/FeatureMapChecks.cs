using static TorchSharp.torch;

namespace NtkProofs.FeatureMaps;

/// <summary>Input checks shared by the feature maps, with messages that name the map.</summary>
internal static class FeatureMapChecks
{
    public static void RequireInput(Tensor x, int inputDim, string map)
    {
        ArgumentNullException.ThrowIfNull(x);
        if (x.dim() < 1 || x.shape[^1] != inputDim)
        {
            throw new ArgumentException($"feature map {map} expects vectors of dimension d = {inputDim} in the last axis, got shape [{string.Join(", ", x.shape)}] (dimension mismatch)", nameof(x));
        }

        if (x.dtype != ScalarType.Float32 && x.dtype != ScalarType.Float64)
        {
            throw new ArgumentException($"feature map {map} needs float32 or float64 input, got {x.dtype}", nameof(x));
        }
    }
}
