using System.CommandLine;
using SandboxBuild.Policy;

namespace SandboxBuild.Cli;

/// <summary>Options several commands share, defined once so they read and behave the same everywhere.</summary>
internal static class SharedOptions
{
    public static Option<string> Source() => new("--source", "-C")
    {
        Description = "The folder to sandbox (mounted read-only). Default: the current folder.",
        DefaultValueFactory = _ => ".",
    };

    public static Option<string?> Policy() => new("--policy")
    {
        Description = "The policy file. Default: sandbox.yml in the source folder, else the built-in hardened defaults.",
    };

    public static Option<string?> Image() => new("--image") { Description = "The sandbox image (overrides the policy)." };

    public static Option<string?> Timeout() => new("--timeout") { Description = "Wall-clock limit, e.g. 10m (overrides the policy)." };

    public static Option<string?> Memory() => new("--memory") { Description = "Memory limit, e.g. 4g (overrides the policy)." };

    public static Option<string?> Cpus() => new("--cpus") { Description = "CPU limit, e.g. 2 (overrides the policy)." };

    public static Option<string?> Pids() => new("--pids") { Description = "Process limit (overrides the policy)." };

    public static Option<string[]> EnvAllow() => new("--env-allow")
    {
        Description = "A host variable to pass into the sandbox (repeatable). Secret-looking names fail the gate.",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<string[]> RepositorySettings() => new("--repository-setting")
    {
        Description = "KEY=VALUE (sandbox.yml key) the repository's own files asked for; it may only tighten the sandbox (repeatable).",
        AllowMultipleArgumentsPerToken = false,
    };

    public static Option<bool> TrustRepositoryPolicy() => new("--trust-repository-policy")
    {
        Description = "Let the repository's sandbox.yml loosen the policy (only for repositories you trust; every run warns). "
            + "Also SANDBOXBUILD_TRUST_REPOSITORY_POLICY=1.",
    };

    /// <summary>The trust opt-in: the flag, or the variable in the caller's environment.</summary>
    public static bool Trusts(ParseResult result, Option<bool> trust) =>
        TrustedPolicyInputs.TrustFromEnvironment(result.GetValue(trust), Environment.GetEnvironmentVariable);

    public static Option<string?> RestoreProject() => new("--restore-project")
    {
        Description = "Restore this project or solution (inside the source) instead of the command's own: a solution's test projects then share one restore.",
    };

    public static Option<string?> Agent() => new("--agent") { Description = "Name of a parallel sandbox for the same repository. Default: default." };

    /// <summary>The overrides the common limit options make.</summary>
    public sealed class Limits
    {
        public Option<string?> Image { get; } = SharedOptions.Image();

        public Option<string?> Timeout { get; } = SharedOptions.Timeout();

        public Option<string?> Memory { get; } = SharedOptions.Memory();

        public Option<string?> Cpus { get; } = SharedOptions.Cpus();

        public Option<string?> Pids { get; } = SharedOptions.Pids();

        public Option<string[]> EnvAllow { get; } = SharedOptions.EnvAllow();

        public void AddTo(Command command)
        {
            command.Options.Add(Image);
            command.Options.Add(Timeout);
            command.Options.Add(Memory);
            command.Options.Add(Cpus);
            command.Options.Add(Pids);
            command.Options.Add(EnvAllow);
        }

        public PolicyOverrides Read(ParseResult result, string? output = null) => new()
        {
            Image = result.GetValue(Image),
            Timeout = result.GetValue(Timeout),
            Memory = result.GetValue(Memory),
            Cpus = result.GetValue(Cpus),
            Pids = result.GetValue(Pids),
            EnvAllow = result.GetValue(EnvAllow) ?? [],
            Output = output,
        };
    }
}
