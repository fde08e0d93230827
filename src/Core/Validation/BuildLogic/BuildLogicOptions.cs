namespace SandboxBuild.Validation.BuildLogic;

/// <summary>Where the gate looks besides the repository, and what it leaves out of a record.</summary>
public sealed record BuildLogicOptions
{
    /// <summary>The NuGet package folder restore uses (NUGET_PACKAGES, else ~/.nuget/packages); null: build assets are not looked up.</summary>
    public string? PackagesFolder { get; init; }

    /// <summary>Relative paths left out entirely (used only when recording: files git ignores and does not track).</summary>
    public Func<string, bool>? Exclude { get; init; }

    public static BuildLogicOptions ForThisHost() => new()
    {
        PackagesFolder = Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder ? folder
            : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
    };
}
