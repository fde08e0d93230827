using System.Text.Json;

namespace SandboxBuild.Runs;

/// <summary>Which `dotnet test` a folder gets: VSTest, or Microsoft.Testing.Platform when global.json says so.</summary>
public enum TestRunner
{
    VSTest,
    MicrosoftTestingPlatform,
}

/// <summary>
/// Reads the runner the way the .NET SDK does (dotnet/sdk TestCommandDefinition): the first global.json walking
/// up from the folder `dotnet test` runs in; `test.runner` equal to "Microsoft.Testing.Platform" (any case)
/// selects MTP; anything else, or a file that cannot be read, selects VSTest. The walk stops at the source root:
/// inside the sandbox nothing above the staged source exists, so that is what the SDK there sees too. The file
/// is the repository's: read only if it is a small regular file (a link, a FIFO or /dev/zero selects VSTest).
/// </summary>
public static class TestRunnerMode
{
    private const long MaxBytes = 1 << 20;

    private static readonly JsonDocumentOptions Lenient = new() { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public static TestRunner Detect(string sourceRoot, string workingDirectory)
    {
        var root = Path.GetFullPath(sourceRoot).TrimEnd('/');
        for (var folder = new DirectoryInfo(Path.GetFullPath(workingDirectory, root)); folder is not null; folder = folder.Parent)
        {
            var file = Path.Combine(folder.FullName, "global.json");
            if (Host.RepositoryFile.KindOf(file) is not null)
            {
                return Read(file);
            }

            if (folder.FullName.TrimEnd('/') == root)
            {
                break;
            }
        }

        return TestRunner.VSTest;
    }

    public static TestRunner Read(string globalJson)
    {
        try
        {
            if (Host.RepositoryFile.TryReadSmall(globalJson, MaxBytes) is not { } bytes)
            {
                return TestRunner.VSTest;
            }

            using var document = JsonDocument.Parse(bytes, Lenient);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("test", out var test) && test.ValueKind == JsonValueKind.Object
                && test.TryGetProperty("runner", out var runner) && runner.ValueKind == JsonValueKind.String
                && string.Equals(runner.GetString(), "Microsoft.Testing.Platform", StringComparison.OrdinalIgnoreCase)
                ? TestRunner.MicrosoftTestingPlatform
                : TestRunner.VSTest;
        }
        catch (Exception e) when (e is JsonException or IOException or UnauthorizedAccessException)
        {
            return TestRunner.VSTest;
        }
    }
}
