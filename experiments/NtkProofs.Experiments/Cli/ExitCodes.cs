namespace NtkProofs.Experiments.Cli;

/// <summary>The CLI's exit codes.</summary>
public static class ExitCodes
{
    /// <summary>Everything ran and every requested check passed.</summary>
    public const int Success = 0;

    /// <summary>A requested check failed (the run itself worked).</summary>
    public const int CheckFailed = 1;

    /// <summary>Bad input or configuration: nothing was computed, nothing already written was changed.</summary>
    public const int BadInput = 2;

    /// <summary>Interrupted by the user (Ctrl+C, SIGTERM): what finished is kept; rerun with <c>--resume</c> to continue.</summary>
    public const int Interrupted = 130;
}
