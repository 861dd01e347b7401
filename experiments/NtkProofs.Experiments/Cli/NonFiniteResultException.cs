namespace NtkProofs.Experiments.Cli;

/// <summary>A computed result is not finite: the run is refused (exit 1) and no output is replaced.</summary>
public sealed class NonFiniteResultException : Exception
{
    /// <summary>Creates the exception.</summary>
    public NonFiniteResultException()
    {
    }

    /// <summary>Creates the exception with a message naming what overflowed.</summary>
    /// <param name="message">What is not finite.</param>
    public NonFiniteResultException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is not finite.</param>
    /// <param name="inner">The cause.</param>
    public NonFiniteResultException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
