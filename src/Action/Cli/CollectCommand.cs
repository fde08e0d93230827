using System.CommandLine;
using SandboxBuild.Artifacts;
using SandboxBuild.Diagnostics;
using SandboxBuild.Policy;
using SandboxBuild.Runs;

namespace SandboxBuild.Cli;

/// <summary>`sandboxbuild collect`: the artifact collector on its own, for a folder a sandbox wrote.</summary>
internal static class CollectCommand
{
    public static Command Create()
    {
        var from = new Option<string?>("--from") { Description = "The folder the sandbox wrote (it must have stopped)." };
        var run = new Option<string?>("--run") { Description = "Instead of --from: the output of a run whose process died (see `sandboxbuild logs --audit`, event \"abandoned\")." };
        var source = SharedOptions.Source();
        var to = new Option<string>("--to") { Description = "The publish folder: fresh, or one SandboxBuild wrote before.", Required = true };
        var policy = SharedOptions.Policy();
        var include = new Option<string[]>("--include") { Description = "Only publish files matching these globs (repeatable)." };
        var collect = new Command("collect", "Publish verified files from a sandbox's output folder: no links, no special files, limits, secret scan, manifest.")
        {
            from, run, source, to, policy, include,
        };
        CommandHost.SetAction(collect, (result, log, cancellationToken) =>
        {
            var effective = PolicyForCommand.Resolve(new TrustedPolicyInputs { PolicyFile = result.GetValue(policy) }, Environment.CurrentDirectory, log);
            if (result.GetValue(include) is { Length: > 0 } globs)
            {
                effective = effective with { Artifacts = effective.Artifacts with { Include = globs } };
            }

            var folder = result.GetValue(run) is { } runId
                ? OutputMount.PathFor(StatePaths.For(Path.GetFullPath(result.GetValue(source)!)), runId)
                : result.GetValue(from) ?? throw new SandboxException(Codes.InvalidInput, "Say what to collect: --from FOLDER, or --run RUN-ID.");
            if (!Directory.Exists(folder))
            {
                throw new SandboxException(Codes.InvalidInput, $"There is no output folder '{folder}' to collect.", "`sandboxbuild logs --audit` lists abandoned runs and their output folders.");
            }

            var publish = Path.GetFullPath(result.GetValue(to)!);
            PublishFolder.Prepare(publish);
            var collection = new Collector(effective.Artifacts, [], log).Collect(Path.GetFullPath(folder), PublishFolder.Files(publish));
            Manifest.Write(Path.Combine(publish, PublishFolder.ManifestFile), "collect", collection);
            log.Info($"Published {collection.Published.Count} file(s) to {PublishFolder.Files(publish)} ({collection.Refused.Count} refused, {collection.Secrets.Count} secrets).");
            return Task.FromResult(collection.BlockedBySecrets ? ExitCodes.ArtifactsBlocked : ExitCodes.Success);
        });
        return collect;
    }
}
