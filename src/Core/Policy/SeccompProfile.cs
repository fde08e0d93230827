using System.Security.Cryptography;
using System.Text;

namespace SandboxBuild.Policy;

/// <summary>
/// A custom seccomp profile, identified by the sha256 of its bytes (what `sha256sum profile.json` prints).
/// The engine receives the content, not the path, so the same hash is computed over what the engine reports.
/// </summary>
public static class SeccompProfile
{
    /// <summary>The hash of the profile file, or null when it cannot be read (which then fails the pin check).</summary>
    public static string? Sha256OfFile(string path)
    {
        try
        {
            return Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    /// <summary>The hash of profile text as the engine holds it (the Docker API carries it as a string).</summary>
    public static string Sha256OfContent(string content) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(content)));

    /// <summary>
    /// The profile content to hand the engine, read once and checked against the trusted pin, so the file
    /// cannot change between the gate and the container.
    /// </summary>
    public static string ReadPinned(string path, string? pin)
    {
        var bytes = File.ReadAllBytes(path);
        var actual = Convert.ToHexStringLower(SHA256.HashData(bytes));
        if (pin is null || !string.Equals(pin, actual, StringComparison.OrdinalIgnoreCase))
        {
            throw new Diagnostics.SandboxException(Diagnostics.Codes.SeccompNotPinned,
                $"The seccomp profile '{path}' has sha256 {actual}; the trusted side pinned {pin ?? "nothing"}.");
        }

        return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetString(bytes);
    }
}
