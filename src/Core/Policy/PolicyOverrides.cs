using SandboxBuild.Diagnostics;

namespace SandboxBuild.Policy;

/// <summary>
/// Settings given on the command line, as MSBuild properties or as action inputs. They are layered on top of
/// the policy file; values arrive as text and are parsed with the same rules as the file.
/// </summary>
public sealed record PolicyOverrides
{
    public string? Image { get; init; }

    public string? Output { get; init; }

    public string? Timeout { get; init; }

    public string? Memory { get; init; }

    public string? Cpus { get; init; }

    public string? Pids { get; init; }

    /// <summary>Extra names for the environment allowlist (added to the policy's).</summary>
    public IReadOnlyList<string> EnvAllow { get; init; } = [];

    public SandboxPolicy ApplyTo(SandboxPolicy policy)
    {
        if (!string.IsNullOrWhiteSpace(Image))
        {
            policy = policy with { Image = Image.Trim() };
        }

        if (!string.IsNullOrWhiteSpace(Output))
        {
            policy = policy with { OutputPath = Output.Trim() };
        }

        if (!string.IsNullOrWhiteSpace(Timeout))
        {
            policy = policy with { Timeout = Parse<TimeSpan>(Timeout, "timeout", Quantities.TryParseDuration) };
        }

        if (!string.IsNullOrWhiteSpace(Memory))
        {
            policy = policy with { Memory = Parse<long>(Memory, "memory", Quantities.TryParseBytes) };
        }

        if (!string.IsNullOrWhiteSpace(Cpus))
        {
            policy = policy with
            {
                Cpus = double.TryParse(Cpus, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var c) && c > 0
                    ? c
                    : throw Invalid("cpus", Cpus, "a positive number such as 2 or 1.5"),
            };
        }

        if (!string.IsNullOrWhiteSpace(Pids))
        {
            policy = policy with { Pids = long.TryParse(Pids, out var n) && n > 0 ? n : throw Invalid("pids", Pids, "a positive whole number") };
        }

        if (EnvAllow.Count > 0)
        {
            policy = policy with { EnvAllow = policy.EnvAllow.Concat(EnvAllow.Where(n => n.Length > 0)).Distinct(StringComparer.Ordinal).ToArray() };
        }

        return policy;
    }

    private delegate bool TryParse<T>(string text, out T value);

    private static T Parse<T>(string text, string name, TryParse<T> parse) =>
        parse(text, out var value) ? value : throw Invalid(name, text, typeof(T) == typeof(long) ? "a size such as 4g" : "a duration such as 30m");

    private static SandboxException Invalid(string name, string value, string expected) =>
        new(Codes.InvalidInput, $"The {name} '{value}' is invalid: expected {expected}.");
}
