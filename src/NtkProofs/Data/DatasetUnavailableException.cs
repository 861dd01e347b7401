namespace NtkProofs.Data;

/// <summary>A data set is not cached and could not be fetched; the message says why and how to fetch it by hand.</summary>
public sealed class DatasetUnavailableException : IOException
{
    /// <summary>Creates the exception.</summary>
    public DatasetUnavailableException()
    {
    }

    /// <summary>Creates the exception with a message.</summary>
    /// <param name="message">What failed and what to do.</param>
    public DatasetUnavailableException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and a cause.</summary>
    /// <param name="message">What failed and what to do.</param>
    /// <param name="inner">The cause.</param>
    public DatasetUnavailableException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
