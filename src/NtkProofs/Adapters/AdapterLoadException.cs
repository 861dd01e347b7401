namespace NtkProofs.Adapters;

/// <summary>An adapter folder cannot be loaded into a model: the message names the file and the problem.</summary>
public sealed class AdapterLoadException : IOException
{
    /// <summary>Creates the exception.</summary>
    public AdapterLoadException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What is wrong.</param>
    public AdapterLoadException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="inner">The cause.</param>
    public AdapterLoadException(string message, Exception inner)
        : base(message, inner)
    {
    }

    /// <summary>Creates the exception for a file and a problem: "FILE: PROBLEM".</summary>
    /// <param name="file">The offending file.</param>
    /// <param name="problem">What is wrong with it.</param>
    /// <param name="inner">The cause, if any.</param>
    public static AdapterLoadException For(string file, string problem, Exception? inner = null) =>
        inner is null ? new($"cannot load adapter from {file}: {problem}") : new($"cannot load adapter from {file}: {problem}", inner);
}
