using SandboxBuild.Diagnostics;
using SandboxBuild.Engine;

namespace SandboxBuild.Tests;

/// <summary>
/// Version negotiation against fake engines on a unix socket: Docker 20.10 (API 1.24-1.41) and Docker 29
/// (API 1.44-1.52, which refuses older clients). The connection must speak a version the engine accepts, or
/// fail with a code before any other request.
/// </summary>
public class EngineNegotiationTests
{
    [Fact]
    public async Task A_Docker_20_engine_is_spoken_to_at_its_own_newest_API()
    {
        await using var engine = new FakeEngine("20.10.24", minApi: "1.12", maxApi: "1.41");

        using var connection = await EngineConnection.NegotiateAsync(engine.Endpoint, forced: null, CancellationToken.None);
        var version = await connection.Client.System.GetVersionAsync();

        Assert.Equal(new Version(1, 41), connection.ApiVersion);
        Assert.Equal("20.10.24", version.Version);
        Assert.Contains("GET /v1.41/version", engine.Requests);
    }

    [Fact]
    public async Task A_Docker_29_engine_that_refuses_old_clients_is_spoken_to_at_an_API_it_accepts()
    {
        await using var engine = new FakeEngine("29.0.0", minApi: "1.44", maxApi: "1.52");

        using var connection = await EngineConnection.NegotiateAsync(engine.Endpoint, forced: null, CancellationToken.None);
        var version = await connection.Client.System.GetVersionAsync();

        Assert.Equal(EngineConnection.MaximumApi, connection.ApiVersion);
        Assert.True(connection.ApiVersion >= new Version(1, 44));
        Assert.Equal("29.0.0", version.Version);
        Assert.Contains($"GET /v{EngineConnection.MaximumApi}/version", engine.Requests);
    }

    [Fact]
    public async Task Forcing_API_1_41_against_Docker_29_fails_with_a_code_instead_of_the_engine_refusing_every_request()
    {
        await using var engine = new FakeEngine("29.0.0", minApi: "1.44", maxApi: "1.52");

        var error = await Assert.ThrowsAsync<SandboxException>(() => EngineConnection.NegotiateAsync(engine.Endpoint, forced: "1.41", CancellationToken.None));

        Assert.Equal(Codes.EngineApiOutOfRange, error.Code);
        Assert.DoesNotContain(engine.Requests, r => r.StartsWith("GET /v1.41/", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_fake_Docker_29_really_refuses_an_API_1_41_client()
    {
        // The control for the test above: without negotiation, the engine answers 400.
        await using var engine = new FakeEngine("29.0.0", minApi: "1.44", maxApi: "1.52");
        using var client = new Docker.DotNet.DockerClientBuilder().WithEndpoint(engine.Endpoint).WithApiVersion(new Version(1, 41)).Build();

        var error = await Assert.ThrowsAsync<Docker.DotNet.DockerApiException>(() => client.System.GetVersionAsync());

        Assert.Equal(System.Net.HttpStatusCode.BadRequest, error.StatusCode);
        Assert.Contains("too old", error.ResponseBody, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_engine_older_than_API_1_41_is_refused_with_a_code()
    {
        await using var engine = new FakeEngine("19.03.15", minApi: "1.12", maxApi: "1.40");

        var error = await Assert.ThrowsAsync<SandboxException>(() => EngineConnection.NegotiateAsync(engine.Endpoint, forced: null, CancellationToken.None));

        Assert.Equal(Codes.EngineTooOld, error.Code);
    }

    [Fact]
    public async Task An_engine_whose_minimum_is_above_what_SandboxBuild_speaks_is_refused_with_a_code()
    {
        await using var engine = new FakeEngine("99.0.0", minApi: "1.60", maxApi: "1.70");

        var error = await Assert.ThrowsAsync<SandboxException>(() => EngineConnection.NegotiateAsync(engine.Endpoint, forced: null, CancellationToken.None));

        Assert.Equal(Codes.EngineApiOutOfRange, error.Code);
    }
}
