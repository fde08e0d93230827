using SandboxBuild.Engine;
using System.Globalization;
using SandboxBuild.Diagnostics;
using SandboxBuild.Validation;

namespace SandboxBuild.Restore;

/// <summary>One decision of the proxy, read from its access log (<see cref="SquidConfig.LogFormat"/>).</summary>
public sealed record EgressEvent(string Method, string Host, int Port, string Status, string Hierarchy, string Bump, string Sni, string Upstream)
{
    /// <summary>Refused by the allowlist (a tunnel is reset, a request answered 403).</summary>
    public bool Refused => Status == "TCP_DENIED";

    /// <summary>A tunnel to an allowed host whose TLS server name was another: cut before any upstream connection.</summary>
    public bool NameMismatch => Bump == "terminate";

    public bool ReachedUpstream => Upstream is not ("-:-" or "" or "-");

    public string Endpoint => $"{Host}:{Port.ToString(CultureInfo.InvariantCulture)}";
}

/// <summary>
/// Reads the proxy's access log and turns it into one finding per refused host, however often the client
/// retried (NuGet retries a refused source dozens of times): "restore tried to reach evil.test:443: refused".
/// </summary>
public static class EgressLog
{
    public static IReadOnlyList<EgressEvent> Parse(IEnumerable<string> lines)
    {
        var events = new List<EgressEvent>();
        foreach (var line in lines)
        {
            if (ParseLine(line) is { } parsed)
            {
                events.Add(parsed);
            }
        }

        return events;
    }

    /// <summary>
    /// A line as `TIME METHOD URL STATUS/HIER bump=MODE sni=NAME dst=ADDR:PORT`; lines that are not a request
    /// (a connection closed before any header: our own readiness check) are skipped.
    /// </summary>
    public static EgressEvent? ParseLine(string line)
    {
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (fields.Length < 7 || fields[1] == "-" || fields[3].Split('/') is not [var status, var hierarchy])
        {
            return null;
        }

        var (host, port) = Target(fields[1], fields[2]);
        return new EgressEvent(fields[1], host, port, status, hierarchy, Value(fields[4], "bump="), Value(fields[5], "sni="), Value(fields[6], "dst="));
    }

    /// <summary>Logs each finding as a coded warning (the run's log, once the proxy has stopped).</summary>
    public static void Report(ISandboxLog log, IEnumerable<Finding> findings)
    {
        foreach (var finding in findings)
        {
            log.Report(finding.Code, $"{finding.Subject}: {finding.Seen}; allowed: {finding.Expected}.");
        }
    }

    public static IReadOnlyList<Finding> Findings(IReadOnlyList<EgressEvent> events)
    {
        var findings = new List<Finding>();
        foreach (var group in events.Where(e => e.Refused).GroupBy(e => e.Endpoint, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var methods = string.Join(", ", group.Select(e => e.Method).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal));
            findings.Add(Finding.Fail(Codes.EgressRefused, FactSource.Proxy, $"restore tried to reach {SafeText.Escape(group.Key)}",
                $"refused ({methods}, {Times(group.Count())})", "only the trusted feeds"));
        }

        foreach (var group in events.Where(e => e.NameMismatch).GroupBy(e => (e.Endpoint, e.Sni)).OrderBy(g => g.Key.Endpoint, StringComparer.Ordinal))
        {
            findings.Add(Finding.Fail(Codes.EgressNameMismatch, FactSource.Proxy, $"restore opened a tunnel to {SafeText.Escape(group.Key.Endpoint)}",
                $"TLS server name '{SafeText.Escape(group.Key.Sni)}', cut before any upstream connection ({Times(group.Count())})",
                $"the server name {SafeText.Escape(group.Key.Endpoint.Split(':')[0])}"));
        }

        return findings;
    }

    public static IReadOnlyList<Finding> Read(string accessLog) =>
        File.Exists(accessLog) ? Findings(Parse(File.ReadLines(accessLog))) : [];

    /// <summary>The host and port as the client wrote them (no normalising: `2130706433` stays what it was asked as).</summary>
    private static (string Host, int Port) Target(string method, string url)
    {
        var scheme = url.IndexOf("://", StringComparison.Ordinal);
        var authority = method == "CONNECT" || scheme < 0 ? url : url[(scheme + 3)..];
        var end = authority.IndexOfAny(['/', '?', '#']);
        authority = end < 0 ? authority : authority[..end];
        authority = authority[(authority.LastIndexOf('@') + 1)..];
        var colon = authority.LastIndexOf(':');
        var defaultPort = method == "CONNECT" ? 443 : url.StartsWith("https:", StringComparison.OrdinalIgnoreCase) ? 443 : 80;
        return colon > authority.LastIndexOf(']') && int.TryParse(authority[(colon + 1)..], CultureInfo.InvariantCulture, out var port)
            ? (authority[..colon].ToLowerInvariant(), port)
            : (authority.ToLowerInvariant(), defaultPort);
    }

    private static string Value(string field, string prefix) => field.StartsWith(prefix, StringComparison.Ordinal) ? field[prefix.Length..] : field;

    private static string Times(int count) => count == 1 ? "once" : $"{count.ToString(CultureInfo.InvariantCulture)} times";
}
