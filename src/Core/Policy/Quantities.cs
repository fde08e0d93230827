using System.Globalization;
using System.Text.RegularExpressions;

namespace SandboxBuild.Policy;

/// <summary>Sizes and durations as users write them: `4g`, `512m`, `1GiB`; `30m`, `90s`, `1h30m`.</summary>
public static partial class Quantities
{
    public static bool TryParseBytes(string text, out long bytes)
    {
        bytes = 0;
        var match = SizePattern().Match(text.Trim());
        if (!match.Success || !decimal.TryParse(match.Groups["n"].Value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var number))
        {
            return false;
        }

        // Docker's convention: k, m, g are binary multiples.
        var unit = match.Groups["u"].Value.ToLowerInvariant().TrimEnd('b').TrimEnd('i');
        long multiplier = unit switch
        {
            "" => 1,
            "k" => 1L << 10,
            "m" => 1L << 20,
            "g" => 1L << 30,
            "t" => 1L << 40,
            _ => 0,
        };
        if (multiplier == 0 || number < 0)
        {
            return false;
        }

        var value = number * multiplier;
        if (value > long.MaxValue)
        {
            return false;
        }

        bytes = (long)value;
        return true;
    }

    public static bool TryParseDuration(string text, out TimeSpan duration)
    {
        duration = TimeSpan.Zero;
        text = text.Trim();
        if (TimeSpan.TryParseExact(text, @"hh\:mm\:ss", CultureInfo.InvariantCulture, out duration))
        {
            return true;
        }

        var matches = DurationPattern().Matches(text);
        if (matches.Count == 0 || string.Concat(matches.Select(m => m.Value)) != text)
        {
            return false;
        }

        foreach (Match m in matches)
        {
            var n = double.Parse(m.Groups["n"].Value, CultureInfo.InvariantCulture);
            duration += m.Groups["u"].Value switch
            {
                "ms" => TimeSpan.FromMilliseconds(n),
                "s" => TimeSpan.FromSeconds(n),
                "m" => TimeSpan.FromMinutes(n),
                "h" => TimeSpan.FromHours(n),
                _ => TimeSpan.FromDays(n),
            };
        }

        return true;
    }

    public static string FormatBytes(long bytes) => bytes switch
    {
        0 => "0",
        _ when bytes % (1L << 30) == 0 => $"{bytes >> 30}g",
        _ when bytes % (1L << 20) == 0 => $"{bytes >> 20}m",
        _ when bytes % (1L << 10) == 0 => $"{bytes >> 10}k",
        _ => bytes.ToString(CultureInfo.InvariantCulture),
    };

    public static string FormatDuration(TimeSpan duration) => duration switch
    {
        _ when duration.TotalSeconds % 3600 == 0 => $"{duration.TotalHours:0}h",
        _ when duration.TotalSeconds % 60 == 0 => $"{duration.TotalMinutes:0}m",
        _ => $"{duration.TotalSeconds:0.###}s",
    };

    [GeneratedRegex(@"^(?<n>\d+(\.\d+)?)\s*(?<u>[kKmMgGtT]?(i?[bB])?|[bB])$")]
    private static partial Regex SizePattern();

    [GeneratedRegex(@"(?<n>\d+(\.\d+)?)(?<u>ms|s|m|h|d)")]
    private static partial Regex DurationPattern();
}
