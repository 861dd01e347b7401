namespace NtkProofs.Experiments.Cli;

/// <summary>Invalid command-line input discovered after parsing (a missing file, a bad combination of options).</summary>
public sealed class CliInputException : Exception
{
    /// <summary>Creates the exception.</summary>
    public CliInputException()
    {
    }

    /// <summary>Creates the exception with a message naming the problem.</summary>
    /// <param name="message">What is wrong.</param>
    public CliInputException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="inner">The cause.</param>
    public CliInputException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
