using System.Text;

namespace SandboxBuild.Artifacts;

/// <summary>Which names may leave a sandbox, and how relative paths are put together.</summary>
internal static class ArtifactNames
{
    public static bool IsAcceptable(byte[] raw, out string name, out string why)
    {
        name = "";
        try
        {
            name = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(raw);
        }
        catch (DecoderFallbackException)
        {
            why = "the name is not valid UTF-8";
            return false;
        }

        why = name.Any(char.IsControl) ? "the name holds control characters"
            : name.Contains('\\', StringComparison.Ordinal) ? "the name holds a backslash"
            : name is "." or ".." ? "a relative path part"
            : name.EndsWith(".sandboxbuild-partial", StringComparison.Ordinal) ? "a reserved name"
            : "";
        return why.Length == 0;
    }

    public static string Parent(string path) => path.LastIndexOf('/') is var slash and >= 0 ? path[..slash] : "";

    public static string Join(string relative, string name) => relative.Length == 0 ? name : $"{relative}/{name}";
}
