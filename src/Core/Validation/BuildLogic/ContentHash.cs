using System.Security.Cryptography;

namespace SandboxBuild.Validation.BuildLogic;

/// <summary>SHA-256 of a file's bytes, lowercase hex.</summary>
public static class ContentHash
{
    public static bool TryOf(string path, out string hash)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            hash = Convert.ToHexStringLower(SHA256.HashData(stream));
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            hash = "";
            return false;
        }
    }
}
