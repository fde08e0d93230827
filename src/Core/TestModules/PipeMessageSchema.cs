using SandboxBuild.Probing;

namespace SandboxBuild.TestModules;

/// <summary>How one field of a dotnet-test pipe message is encoded.</summary>
internal enum FieldKind
{
    /// <summary>UTF-8 text, the field's size in bytes.</summary>
    Text,

    /// <summary>A byte, bool, int or long; copied as it is once its size is one of those.</summary>
    Scalar,

    /// <summary>`int32 count`, then per item `uint16 field count` and fields of <see cref="FieldSpec.Items"/>.</summary>
    Objects,

    /// <summary>`int32 count`, then per item `int32 length` and UTF-8 text.</summary>
    Texts,
}

internal sealed record FieldSpec(FieldKind Kind, IReadOnlyDictionary<ushort, FieldSpec>? Items = null);

/// <summary>
/// The messages of protocol 1.0.0 that the host replays, field by field (testfx ObjectFieldIds.cs). Only these
/// fields cross to the SDK: a field or message not listed here is dropped, not forwarded as opaque bytes.
/// </summary>
internal static class PipeMessageSchema
{
    private static readonly FieldSpec Text = new(FieldKind.Text);
    private static readonly FieldSpec Scalar = new(FieldKind.Scalar);

    private static readonly FieldSpec Traits = new(FieldKind.Objects, new Dictionary<ushort, FieldSpec> { [1] = Text, [2] = Text });

    private static readonly FieldSpec Exceptions = new(FieldKind.Objects, new Dictionary<ushort, FieldSpec> { [1] = Text, [2] = Text, [3] = Text });

    /// <summary>The field of a FileArtifactMessage holding the file's full path (rewritten to the verified copy).</summary>
    public const ushort ArtifactFullPath = 1;

    private const ushort ArtifactList = 3;

    /// <summary>The list of files a module announces; each path is rewritten to its verified copy.</summary>
    public static FieldSpec Artifacts { get; } = new(FieldKind.Objects, new Dictionary<ushort, FieldSpec>
    {
        [ArtifactFullPath] = Text, [2] = Text, [3] = Text, [4] = Text, [5] = Text, [6] = Text,
    });

    public static IReadOnlyDictionary<int, IReadOnlyDictionary<ushort, FieldSpec>> Messages { get; } = new Dictionary<int, IReadOnlyDictionary<ushort, FieldSpec>>
    {
        [TestPipe.CommandLineOptionMessages] = new Dictionary<ushort, FieldSpec>
        {
            [1] = Text,
            [2] = new(FieldKind.Objects, new Dictionary<ushort, FieldSpec> { [1] = Text, [2] = Text, [3] = Scalar, [4] = Scalar }),
        },
        [TestPipe.DiscoveredTestMessages] = new Dictionary<ushort, FieldSpec>
        {
            [1] = Text,
            [2] = Text,
            [3] = new(FieldKind.Objects, new Dictionary<ushort, FieldSpec>
            {
                [1] = Text, [2] = Text, [3] = Text, [4] = Scalar, [5] = Text, [6] = Text, [7] = Text, [8] = Traits, [9] = new(FieldKind.Texts),
            }),
        },
        [TestPipe.TestResultMessages] = new Dictionary<ushort, FieldSpec>
        {
            [1] = Text,
            [2] = Text,
            [3] = new(FieldKind.Objects, new Dictionary<ushort, FieldSpec>
            {
                [1] = Text, [2] = Text, [3] = Scalar, [4] = Scalar, [5] = Text, [6] = Text, [7] = Text, [8] = Text,
            }),
            [4] = new(FieldKind.Objects, new Dictionary<ushort, FieldSpec>
            {
                [1] = Text, [2] = Text, [3] = Scalar, [4] = Scalar, [5] = Text, [6] = Exceptions, [7] = Text, [8] = Text, [9] = Text,
            }),
        },
        [TestPipe.FileArtifactMessages] = new Dictionary<ushort, FieldSpec>
        {
            [1] = Text,
            [2] = Text,
            [ArtifactList] = Artifacts,
        },
        [TestPipe.TestSessionEvent] = new Dictionary<ushort, FieldSpec> { [1] = Scalar, [2] = Text, [3] = Text },
    };
}
