using System.Xml;
using SandboxBuild.Diagnostics;

namespace SandboxBuild.Artifacts;

/// <summary>
/// Names the failed tests of a run as coded errors (MSBuild errors, workflow annotations), read from the TRX
/// files the collector published. The TRX was written by sandboxed code: it is parsed without DTDs and with
/// a size limit, and every name and message is shown escaped.
/// </summary>
public static class TestResultsReport
{
    private const int MaxReported = 50;
    private const string TrxNamespace = "http://microsoft.com/schemas/VisualStudio/TeamTest/2010";

    public static int ReportFailures(string publishedFiles, ISandboxLog log)
    {
        if (!Directory.Exists(publishedFiles))
        {
            return 0;
        }

        var reported = 0;
        foreach (var trx in Directory.EnumerateFiles(publishedFiles, "*.trx", SearchOption.AllDirectories).Order(StringComparer.Ordinal))
        {
            foreach (var (name, message) in Failures(trx))
            {
                if (++reported <= MaxReported)
                {
                    log.Error(Codes.TestFailed, $"Test failed: {SafeText.Escape(name)}{(message.Length > 0 ? $": {SafeText.Escape(message, 500)}" : "")}");
                }
            }
        }

        if (reported > MaxReported)
        {
            log.Info($"{reported - MaxReported} more failed tests are in the TRX files.");
        }

        return reported;
    }

    private static IEnumerable<(string Name, string Message)> Failures(string trx)
    {
        var settings = new XmlReaderSettings { DtdProcessing = DtdProcessing.Prohibit, XmlResolver = null, MaxCharactersInDocument = 256L << 20 };
        var failures = new List<(string, string)>();
        try
        {
            using var reader = XmlReader.Create(trx, settings);
            while (reader.ReadToFollowing("UnitTestResult", TrxNamespace))
            {
                if (reader.GetAttribute("outcome") != "Failed")
                {
                    continue;
                }

                var name = reader.GetAttribute("testName") ?? "(unnamed)";
                var message = "";
                using (var result = reader.ReadSubtree())
                {
                    if (result.ReadToFollowing("Message", TrxNamespace))
                    {
                        message = result.ReadElementContentAsString().Trim().Split('\n')[0].Trim();
                    }
                }

                failures.Add((name, message));
            }
        }
        catch (XmlException)
        {
            // Not a readable TRX: the command's own output already said what failed.
        }

        return failures;
    }
}
