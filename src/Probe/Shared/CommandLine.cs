using System.Text;

namespace SandboxBuild.Probing;

/// <summary>
/// Quoting for a command line given as one string, as .NET parses it on every platform (the MSVCRT rules) and
/// as the SDK builds a test module's command line. Shared by the package's launch command and the in-sandbox runner.
/// </summary>
public static class CommandLine
{
    public static string Escape(string argument)
    {
        if (argument.Length > 0 && argument.AsSpan().IndexOfAny(" \t\n\v\"") < 0)
        {
            return argument;
        }

        var quoted = new StringBuilder("\"");
        var backslashes = 0;
        foreach (var c in argument)
        {
            if (c == '\\')
            {
                backslashes++;
                continue;
            }

            quoted.Append('\\', c == '"' ? backslashes * 2 + 1 : backslashes).Append(c);
            backslashes = 0;
        }

        return quoted.Append('\\', backslashes * 2).Append('"').ToString();
    }

    public static string Join(IEnumerable<string> arguments) => string.Join(" ", arguments.Select(Escape));
}
