using SandboxBuild.Engine;
using System.Xml.Linq;

namespace SandboxBuild.Restore;

/// <summary>
/// The NuGet.Config restore runs with (`--configfile`): every source cleared, then exactly the trusted feeds
/// (local folders at their read-only mount inside), and each feed host's credential under that feed alone.
/// Written to the restore's private config folder, mounted read-only into the restore sandbox only.
/// </summary>
public static class TrustedNuGetConfig
{
    public static string Render(IReadOnlyList<Feed> feeds, IReadOnlyList<FeedCredential> credentials)
    {
        var sources = new XElement("packageSources", new XElement("clear"));
        var secrets = new XElement("packageSourceCredentials");
        for (var i = 0; i < feeds.Count; i++)
        {
            var feed = feeds[i];
            var source = new XElement("add", new XAttribute("key", feed.Name), new XAttribute("value", Location(feed, i)));
            if (feed.Kind == FeedKind.Http)
            {
                source.Add(new XAttribute("allowInsecureConnections", "true"));
            }

            sources.Add(source);
            if (feed.IsRemote && credentials.FirstOrDefault(c => string.Equals(c.Host, feed.Host, StringComparison.OrdinalIgnoreCase)) is { } credential)
            {
                secrets.Add(new XElement(feed.Name,
                    new XElement("add", new XAttribute("key", "Username"), new XAttribute("value", credential.UserName)),
                    new XElement("add", new XAttribute("key", "ClearTextPassword"), new XAttribute("value", credential.Password))));
            }
        }

        var configuration = new XElement("configuration",
            new XElement("config", new XElement("add", new XAttribute("key", "globalPackagesFolder"), new XAttribute("value", RestoreLayout.PackagesTarget))),
            sources,
            new XElement("disabledPackageSources", new XElement("clear")),
            new XElement("fallbackPackageFolders", new XElement("clear")));
        if (secrets.HasElements)
        {
            configuration.Add(secrets);
        }

        return new XDocument(new XDeclaration("1.0", "utf-8", null), configuration).ToString();
    }

    /// <summary>Where restore finds a feed: its URL, or the read-only mount of a local folder.</summary>
    public static string Location(Feed feed, int index) => feed.IsRemote ? feed.Location : RestoreLayout.FeedTarget(index);
}
