namespace SandboxBuild.Diagnostics;

public enum Severity
{
    Note,
    Warning,
    Error,
}

/// <summary>
/// A stable, documented message code. Bands: 1xxx engine and image, 2xxx policy and isolation findings,
/// 3xxx run, timeout and artifact collection, 4xxx task and action inputs. The catalogue is <see cref="Codes"/>.
/// </summary>
public sealed record SandboxCode(string Id, string Title, Severity Severity, string Fix)
{
    public override string ToString() => Id;
}
