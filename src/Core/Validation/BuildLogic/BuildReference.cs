namespace SandboxBuild.Validation.BuildLogic;

/// <summary>How a build file refers to another file, which decides how the gate follows it.</summary>
public enum ReferenceKind
{
    /// <summary>`&lt;Import Project&gt;`: evaluated as MSBuild, whatever its name.</summary>
    Import,

    /// <summary>`&lt;ProjectReference Include&gt;`, `&lt;MSBuild Projects&gt;`, a project in a solution: evaluated as a project.</summary>
    Project,

    /// <summary>`&lt;UsingTask AssemblyFile&gt;`, a logger in a response file: an assembly the host's MSBuild loads.</summary>
    Assembly,

    /// <summary>`&lt;Code Source&gt;` of an inline task: C# the host compiles and runs.</summary>
    TaskSource,

    /// <summary>`$([System.IO.File]::ReadAllText(...))`: file content that becomes part of the evaluation.</summary>
    FileRead,

    /// <summary>`@file` in a response file: more switches.</summary>
    ResponseFile,

    /// <summary>`Exists('path')`: a file whose presence steers approved logic (a flag file). Hashed when present.</summary>
    Presence,

    /// <summary>The name `GetPathOfFileAbove`/`GetDirectoryNameOfFileAbove` searches for in every folder above: the one found decides a path.</summary>
    Above,

    /// <summary>`&lt;Exec Command&gt;`, `&lt;ReadLinesFromFile&gt;`, `&lt;XmlPeek&gt;`: files a target may run or read. Followed when named literally; a computed name is not a finding.</summary>
    BestEffort,
}

/// <summary>One path expression as written in a build file, with its line.</summary>
public sealed record BuildReference(ReferenceKind Kind, string Expression, int Line);

/// <summary>An MSBuild project SDK a file names (`Sdk="Name/Version"`, `&lt;Sdk&gt;`, `&lt;Import Sdk&gt;`).</summary>
public sealed record SdkReference(string Name, string? Version, int Line);

/// <summary>What the gate reads from one MSBuild file without evaluating it.</summary>
public sealed record MsBuildFileFacts(
    IReadOnlyList<BuildReference> References,
    IReadOnlyList<SdkReference> Sdks,
    IReadOnlySet<string> PropertiesSet);
