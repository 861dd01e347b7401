namespace NtkProofs.Numerics;

/// <summary>The libtorch folder named by <see cref="LibTorchLocation.Variable"/> cannot be used (one-line message).</summary>
public sealed class LibTorchLocationException : Exception
{
    /// <summary>Creates the exception.</summary>
    public LibTorchLocationException()
    {
    }

    /// <summary>Creates the exception with a one-line message.</summary>
    /// <param name="message">What is wrong.</param>
    public LibTorchLocationException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with a message and the underlying failure.</summary>
    /// <param name="message">What is wrong.</param>
    /// <param name="inner">The underlying failure.</param>
    public LibTorchLocationException(string message, Exception inner)
        : base(message, inner)
    {
    }
}
