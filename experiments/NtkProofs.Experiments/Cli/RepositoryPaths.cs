namespace NtkProofs.Experiments.Cli;

/// <summary>Locates the repository (the folder holding NtkProofs.sln) so that configs and reports resolve from anywhere.</summary>
public static class RepositoryPaths
{
    /// <summary>
    /// The repository root: the nearest folder holding NtkProofs.sln above the working directory, else above the program's
    /// own folder; throws <see cref="CliInputException"/> when neither has one.
    /// </summary>
    public static string Root()
    {
        foreach (string start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "NtkProofs.sln")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new CliInputException("cannot find the NtkProofs repository (no NtkProofs.sln above the working directory); run from inside the checkout");
    }

    /// <summary>The profile's config folder: experiments/configs/&lt;profile&gt;.</summary>
    /// <param name="profile">smoke, quick or full.</param>
    public static string ProfileConfigs(string profile) => Path.Combine(Root(), "experiments", "configs", profile);

    /// <summary><paramref name="path"/> relative to the repository root, with forward slashes (for printed commands).</summary>
    /// <param name="path">An absolute path.</param>
    public static string Relative(string path)
    {
        string relative = Path.GetRelativePath(Root(), path).Replace('\\', '/');
        return relative.StartsWith("..", StringComparison.Ordinal) ? Path.GetFullPath(path) : relative;
    }
}
