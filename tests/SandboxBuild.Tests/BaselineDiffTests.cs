using SandboxBuild.Engine;
using SandboxBuild.Policy;
using SandboxBuild.Validation;

namespace SandboxBuild.Tests;

public class BaselineDiffTests
{
    private static readonly ValidationReport Report = new()
    {
        Findings = [Finding.Pass(Diagnostics.Codes.NetworkNotNone, FactSource.Container, "network mode", "none", "none")],
        ImageDigest = "sha256:aaa",
        Engine = new EngineFacts("20.10.24", "1.41", "runc", "v1", false, false, "default", "1", "6.1", "Debian"),
    };

    private static IReadOnlyList<DriftChange> Diff(string baselineYaml, string currentYaml, ValidationReport? current = null)
    {
        var baseline = Baseline.From(PolicyLoader.Parse(baselineYaml, "sandbox.yml"), Report);
        return BaselineDiff.Compare(baseline, PolicyLoader.Parse(currentYaml, "sandbox.yml"), current ?? Report);
    }

    [Fact]
    public void An_unchanged_sandbox_has_no_drift()
    {
        Assert.Empty(Diff("", ""));
    }

    [Theory]
    [InlineData("network: bridge", "network: none -> bridge")]
    [InlineData("memory: 8g", "memory: 4294967296 -> 8589934592")]
    [InlineData("memory: 0", "memory: 4294967296 -> 0")]
    [InlineData("cap_add: [NET_ADMIN]", "cap_add: [] -> [NET_ADMIN]")]
    [InlineData("privileged: true", "privileged: false -> true")]
    [InlineData("env: { allow: [CI] }", "env.allow: [] -> [CI]")]
    [InlineData("mounts: [./docs:/docs]", "mounts: [] -> [")]
    [InlineData("timeout: 2h", "timeout_seconds: 1800 -> 7200")]
    [InlineData("pids: 0", "pids: 1024 -> 0")]
    [InlineData("artifacts: { secrets: warn }", "artifacts.secrets: block -> warn")]
    [InlineData("user: root", "user: 1000:1000 -> root")]
    public void A_weakening_is_drift_said_in_words(string current, string words)
    {
        Assert.Contains(Diff("", current), c => c.Weaker && c.Describe().StartsWith(words, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("memory: 2g")]
    [InlineData("pids: 100")]
    [InlineData("timeout: 5m")]
    [InlineData("cpus: 1")]
    public void A_stricter_setting_is_not_drift(string current)
    {
        Assert.All(Diff("", current), c => Assert.False(c.Weaker));
        Assert.NotEmpty(Diff("", current));
    }

    [Fact]
    public void A_new_image_digest_or_engine_change_is_drift()
    {
        var current = Report with
        {
            ImageDigest = "sha256:bbb",
            Engine = Report.Engine! with { SeccompProfile = "unconfined" },
        };

        var changes = Diff("", "", current);

        Assert.Contains(changes, c => c.Weaker && c.Setting == "image digest");
        Assert.Contains(changes, c => c.Weaker && c.Setting == "engine seccompProfile");
    }

    [Fact]
    public void A_check_that_passed_and_now_fails_is_drift()
    {
        var current = Report with { Findings = [Finding.Fail(Diagnostics.Codes.NetworkNotNone, FactSource.Container, "network mode", "bridge", "none")] };

        Assert.Contains(Diff("", "", current), c => c.Weaker && c.Setting == "check SBX2001");
    }

    [Fact]
    public void The_baseline_file_round_trips()
    {
        using var folder = new TempFolder();
        var path = System.IO.Path.Combine(folder.Path, "sandbox.baseline.json");
        Baseline.From(SandboxPolicy.Default, Report).Write(path);

        var read = Baseline.Read(path);

        Assert.Empty(BaselineDiff.Compare(read, SandboxPolicy.Default, Report));
        Assert.Equal(PolicyCanonical.Sha256(SandboxPolicy.Default), read.PolicySha256);
    }

    [Fact]
    public void A_broken_baseline_is_an_error_not_a_pass()
    {
        using var folder = new TempFolder();
        var path = folder.Write("b.json", "{ \"schema\": \"something else\" }");

        Assert.Equal(Diagnostics.Codes.BaselineInvalid, Assert.Throws<Diagnostics.SandboxException>(() => Baseline.Read(path)).Code);
    }
}
