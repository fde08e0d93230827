using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace SandboxBuild.IntegrationTests.Egress;

/// <summary>
/// A static NuGet v3 feed (service index, flat container) served by Kestrel over plain HTTP and TLS on the
/// given address, from real package files. Every request is recorded, so a test can show a feed was used,
/// or that nothing reached it.
/// </summary>
internal sealed class StaticFeed : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly IReadOnlyDictionary<string, string> _packages;

    private StaticFeed(WebApplication app, IReadOnlyDictionary<string, string> packages)
    {
        _app = app;
        _packages = packages;
    }

    public ConcurrentQueue<string> Requests { get; } = new();

    public int HttpPort { get; private set; }

    public int HttpsPort { get; private set; }

    /// <param name="packages">Package files by `id/version` (lower case).</param>
    public static async Task<StaticFeed> StartAsync(IPAddress address, System.Security.Cryptography.X509Certificates.X509Certificate2 certificate, IReadOnlyDictionary<string, string> packages)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.Listen(address, 0);
            kestrel.Listen(address, 0, listen => listen.UseHttps(certificate));
        });
        var app = builder.Build();
        var feed = new StaticFeed(app, packages);
        app.Run(feed.ServeAsync);
        await app.StartAsync();
        var ports = app.Urls.Select(u => new Uri(u)).ToArray();
        feed.HttpPort = ports.Single(u => u.Scheme == "http").Port;
        feed.HttpsPort = ports.Single(u => u.Scheme == "https").Port;
        return feed;
    }

    public static string NewtonsoftJson { get; } = Path.Combine(
        Environment.GetEnvironmentVariable("NUGET_PACKAGES") is { Length: > 0 } folder ? folder : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages"),
        "newtonsoft.json", "13.0.3", "newtonsoft.json.13.0.3.nupkg");

    public bool Served(string packageId) => Requests.Any(r => r.Contains($"/{packageId.ToLowerInvariant()}/", StringComparison.Ordinal) && r.EndsWith(".nupkg", StringComparison.Ordinal));

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();

    private async Task ServeAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        Requests.Enqueue($"{context.Request.Method} {context.Request.Scheme}://{context.Request.Host}{path}");
        var root = $"{context.Request.Scheme}://{context.Request.Host}";
        var parts = path.Trim('/').Split('/');
        switch (parts)
        {
            case ["v3", "index.json"] or ["index.json"]:
                await context.Response.WriteAsJsonAsync(new Dictionary<string, object>
                {
                    ["version"] = "3.0.0",
                    ["resources"] = new[] { new Dictionary<string, string> { ["@id"] = $"{root}/v3-flatcontainer/", ["@type"] = "PackageBaseAddress/3.0.0" } },
                });
                return;
            case ["v3-flatcontainer", var id, "index.json"]:
                var versions = _packages.Keys.Where(k => k.StartsWith(id + "/", StringComparison.Ordinal)).Select(k => k.Split('/')[1]).ToArray();
                if (versions.Length == 0)
                {
                    context.Response.StatusCode = 404;
                    return;
                }

                await context.Response.WriteAsJsonAsync(new Dictionary<string, string[]> { ["versions"] = versions });
                return;
            case ["v3-flatcontainer", var id, var version, var file] when file.EndsWith(".nupkg", StringComparison.Ordinal) && _packages.TryGetValue($"{id}/{version}", out var package):
                context.Response.ContentType = "application/octet-stream";
                await context.Response.SendFileAsync(package);
                return;
            default:
                context.Response.StatusCode = 404;
                return;
        }
    }
}
