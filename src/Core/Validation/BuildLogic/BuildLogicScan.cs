namespace SandboxBuild.Validation.BuildLogic;

/// <summary>What one walk of the repository found: the build logic as it is now, and what could not be known.</summary>
public sealed record BuildLogicScan
{
    public required string Root { get; init; }

    public required BuildLogicRecord Current { get; init; }

    /// <summary>Findings of the scan itself: links, computed paths, unreadable files, SDKs the repository picks.</summary>
    public required IReadOnlyList<Finding> Findings { get; init; }

    /// <summary>The lock file that pins each package (for messages), by package key.</summary>
    public required IReadOnlyDictionary<string, string> PackageOrigins { get; init; }

    /// <summary>Build assets of restored packages, by package key (for messages).</summary>
    public required IReadOnlyDictionary<string, PackageBuildAssets> Assets { get; init; }

    /// <summary>Computed paths the gate accepted without a finding, and why (for --verbose).</summary>
    public required IReadOnlyList<string> Covered { get; init; }

    public int EntriesWalked { get; init; }
}
