using System.Text.Encodings.Web;
using System.Text.Json;

namespace SandboxBuild.Diagnostics;

/// <summary>One JSON style for every file SandboxBuild writes: indented, and readable (no \u002B for '+').</summary>
public static class JsonText
{
    public static JsonSerializerOptions Indented { get; } = new() { WriteIndented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static JsonSerializerOptions Compact { get; } = new() { WriteIndented = false, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
}
