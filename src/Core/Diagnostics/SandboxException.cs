namespace SandboxBuild.Diagnostics;

/// <summary>
/// A failure the user can act on: it carries a code, says what happened and how to fix it. The shells turn
/// it into one coded message and an exit code; it never reaches the user as a stack trace.
/// </summary>
public sealed class SandboxException : Exception
{
    public SandboxException(SandboxCode code, string message, string? hint = null, SourceLocation? location = null, Exception? inner = null)
        : base(message, inner)
    {
        Code = code;
        Hint = hint ?? code.Fix;
        Location = location;
    }

    public SandboxCode Code { get; }

    public string Hint { get; }

    public SourceLocation? Location { get; }

    /// <summary>Further problems of the same kind (every bad key of a policy file, not just the first).</summary>
    public IReadOnlyList<(string Message, SourceLocation? Location)> Problems { get; init; } = [];

    public static SandboxException Many(SandboxCode code, IReadOnlyList<(string Message, SourceLocation? Location)> problems, string? hint = null) =>
        new(code, problems[0].Message, hint, problems[0].Location) { Problems = problems };
}

/// <summary>A file and line a message points at (a policy key, a compose entry).</summary>
public sealed record SourceLocation(string File, int Line)
{
    public override string ToString() => Line > 0 ? $"{File}:{Line}" : File;
}
