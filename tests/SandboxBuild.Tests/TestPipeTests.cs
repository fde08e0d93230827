using System.Buffers.Binary;
using System.Text;
using SandboxBuild.Diagnostics;
using SandboxBuild.Probing;
using SandboxBuild.TestModules;

namespace SandboxBuild.Tests;

/// <summary>The dotnet-test pipe messages recorded inside the sandbox are untrusted bytes: re-encoded field by field, or refused.</summary>
public class TestPipeTests
{
    // Encoding of the protocol: an object is `uint16 count` + fields `uint16 id, int32 size, bytes`; a list is `int32 count` + items.
    private static byte[] Object(params (ushort Id, byte[] Value)[] fields)
    {
        var bytes = new List<byte>();
        bytes.AddRange(BitConverter.GetBytes((ushort)fields.Length));
        foreach (var (id, value) in fields)
        {
            bytes.AddRange(BitConverter.GetBytes(id));
            bytes.AddRange(BitConverter.GetBytes(value.Length));
            bytes.AddRange(value);
        }

        return [.. bytes];
    }

    private static byte[] List(params byte[][] items) => [.. BitConverter.GetBytes(items.Length), .. items.SelectMany(i => i)];

    private static byte[] Text(string value) => Encoding.UTF8.GetBytes(value);

    private static (ushort, byte[]) Field(ushort id, string value) => (id, Text(value));

    private static string ReadFailedDisplayName(byte[] message)
    {
        // TestResultMessages -> field 4 (failed list) -> first item -> field 2 (display name).
        var position = 2;
        while (true)
        {
            var id = BinaryPrimitives.ReadUInt16LittleEndian(message.AsSpan(position));
            var size = BinaryPrimitives.ReadInt32LittleEndian(message.AsSpan(position + 2));
            if (id == 4)
            {
                var item = message.AsSpan(position + 6 + 4);
                var itemPosition = 2;
                while (true)
                {
                    var itemId = BinaryPrimitives.ReadUInt16LittleEndian(item[itemPosition..]);
                    var itemSize = BinaryPrimitives.ReadInt32LittleEndian(item[(itemPosition + 2)..]);
                    if (itemId == 2)
                    {
                        return Encoding.UTF8.GetString(item.Slice(itemPosition + 6, itemSize));
                    }

                    itemPosition += 6 + itemSize;
                }
            }

            position += 6 + size;
        }
    }

    private static PipeMessageFilter Filter(Func<string, string?>? artifacts = null) =>
        new(artifacts ?? (_ => null), ("/workspace/build/", "/home/me/repo/"));

    [Fact]
    public void A_failed_result_is_forwarded_with_control_characters_and_staged_paths_made_harmless()
    {
        var failed = Object(Field(1, "uid-1"), Field(2, "Evil\u001b[2J\u001b]0;title\u0007Test"), (3, [3]), (4, BitConverter.GetBytes(12L)),
            (6, List(Object(Field(1, "boom"), Field(3, "at T.M() in /workspace/build/T.cs:5")))));
        var message = Object(Field(1, "exec"), (4, List(failed)));

        var filtered = Filter().Filter(TestPipe.TestResultMessages, message);

        Assert.NotNull(filtered);
        var name = ReadFailedDisplayName(filtered);
        Assert.DoesNotContain('\u001b', name);
        Assert.DoesNotContain('\u0007', name);
        Assert.Contains("/home/me/repo/T.cs:5", Encoding.UTF8.GetString(filtered), StringComparison.Ordinal);
        Assert.DoesNotContain("/workspace/build/", Encoding.UTF8.GetString(filtered), StringComparison.Ordinal);
    }

    [Fact]
    public void An_unchanged_message_of_known_fields_keeps_its_bytes()
    {
        var passed = Object(Field(1, "uid"), Field(2, "Passes"), (3, [1]), (4, BitConverter.GetBytes(5L)));
        var message = Object(Field(1, "exec"), Field(2, "instance"), (3, List(passed)));

        var filtered = Filter().Filter(TestPipe.TestResultMessages, message);

        Assert.Equal(message, filtered);
    }

    [Fact]
    public void Unknown_fields_are_dropped_and_unknown_messages_are_not_forwarded()
    {
        var message = Object(Field(1, "exec"), Field(77, "smuggled"));

        var filtered = Filter().Filter(TestPipe.TestSessionEvent, message);

        Assert.Equal(Object(Field(1, "exec")), filtered);
        Assert.Null(Filter().Filter(4242, message));
    }

    [Fact]
    public void An_artifact_points_at_its_verified_copy_and_one_without_a_copy_is_dropped()
    {
        var kept = Object(Field(1, "/workspace/output/TestResults/a.trx"), Field(2, "a.trx"));
        var lost = Object(Field(1, "/etc/shadow"), Field(2, "shadow"));
        var message = Object(Field(1, "exec"), (3, List(kept, lost)));
        var filter = Filter(inside => inside == "/workspace/output/TestResults/a.trx" ? "/home/me/results/a.trx" : null);

        var filtered = filter.Filter(TestPipe.FileArtifactMessages, message)!;

        var text = Encoding.UTF8.GetString(filtered);
        Assert.Contains("/home/me/results/a.trx", text, StringComparison.Ordinal);
        Assert.DoesNotContain("shadow", text, StringComparison.Ordinal);
        Assert.Equal(1, filter.DroppedArtifacts);
    }

    [Theory]
    [InlineData(new byte[] { 1, 0, 1, 0, 0xff, 0xff, 0xff, 0x7f, 0x41 })] // a field claiming 2 GB
    [InlineData(new byte[] { 1, 0, 1, 0, 4, 0, 0, 0, 0x41 })] // a field running past the message
    [InlineData(new byte[] { 1, 0 })] // a field count with no field
    public void Malformed_messages_are_refused(byte[] message) =>
        Assert.Throws<InvalidDataException>(() => Filter().Filter(TestPipe.TestSessionEvent, message));

    [Fact]
    public void A_list_claiming_more_items_than_it_holds_is_refused()
    {
        var message = Object(Field(1, "exec"), (3, BitConverter.GetBytes(1000)));

        Assert.Throws<InvalidDataException>(() => Filter().Filter(TestPipe.TestResultMessages, message));
    }

    [Fact]
    public void The_record_reader_refuses_a_foreign_file_and_oversized_entries()
    {
        using var foreign = new MemoryStream("not a record"u8.ToArray());
        using var record = new MemoryStream();
        TestRecord.WriteHeader(record);
        TestRecord.WriteFrame(record, 0, TestPipe.Handshake, new byte[100]);
        record.Position = 0;

        Assert.Throws<InvalidDataException>(() => TestRecord.Read(foreign, 1 << 20, 10));
        Assert.Throws<InvalidDataException>(() => TestRecord.Read(record, maxTotalBytes: 50, maxFrames: 10));
    }

    [Fact]
    public void A_record_reads_back_with_its_exit_code()
    {
        using var record = new MemoryStream();
        TestRecord.WriteHeader(record);
        TestRecord.WriteFrame(record, 1, TestPipe.TestSessionEvent, [1, 2, 3]);
        TestRecord.WriteExit(record, 8);
        record.Position = 0;

        var (frames, exitCode) = TestRecord.Read(record, 1 << 20, 10);

        Assert.Equal(8, exitCode);
        var frame = Assert.Single(frames);
        Assert.Equal((1, TestPipe.TestSessionEvent), (frame.Connection, frame.SerializerId));
        Assert.Equal([1, 2, 3], frame.Payload);
    }

    [Fact]
    public void The_handshake_round_trips()
    {
        var properties = new Dictionary<byte, string> { [TestPipe.HandshakeKeys.ModulePath] = "/x/y.dll", [TestPipe.HandshakeKeys.SupportedProtocolVersions] = "1.0.0" };

        Assert.Equal(properties, TestPipe.DecodeHandshake(TestPipe.EncodeHandshake(properties)));
    }

    [Fact]
    public void Module_arguments_without_the_sdk_pipe_are_a_run_outside_dotnet_test()
    {
        var error = Assert.Throws<SandboxException>(() => ModuleArguments.Parse(["--filter-method", "X"]));

        Assert.Equal(Codes.TestModuleOutsideDotnetTest, error.Code);
    }

    [Fact]
    public void Module_arguments_keep_test_options_and_take_out_host_paths()
    {
        var parsed = ModuleArguments.Parse(["--results-directory", "/r", "--report-trx", "--minimum-expected-tests", "3", "--config-file", "/c.json",
            "--server", "dotnettestcli", "--dotnet-test-pipe", "/tmp/p"]);

        Assert.Equal("/tmp/p", parsed.Pipe);
        Assert.Equal("/r", parsed.ResultsDirectory);
        Assert.Equal("/c.json", parsed.ConfigFile);
        Assert.Equal(["--report-trx", "--minimum-expected-tests", "3"], parsed.PassThrough);
    }

    [Theory]
    [InlineData("--coverage-output")]
    [InlineData("--results-directory=/elsewhere")]
    public void Module_arguments_that_write_to_host_paths_are_refused(string option)
    {
        var error = Assert.Throws<SandboxException>(() => ModuleArguments.Parse([option, "x", "--server", "dotnettestcli", "--dotnet-test-pipe", "/tmp/p"]));

        Assert.Equal(Codes.TestModuleArguments, error.Code);
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData("with space", "\"with space\"")]
    [InlineData("quote\"inside", "\"quote\\\"inside\"")]
    [InlineData("dir\\", "dir\\")]
    [InlineData("dir with space\\", "\"dir with space\\\\\"")]
    [InlineData("", "\"\"")]
    public void Command_line_quoting_round_trips_through_a_real_process_start(string argument, string expected)
    {
        Assert.Equal(expected, CommandLine.Escape(argument));

        // The SDK starts the module with one command-line string; .NET splits it back into arguments.
        using var process = System.Diagnostics.Process.Start(new System.Diagnostics.ProcessStartInfo("/usr/bin/printf", $"\"[%s]\" a {CommandLine.Escape(argument)} b")
        {
            RedirectStandardOutput = true,
        })!;
        var printed = process.StandardOutput.ReadToEnd();
        process.WaitForExit();

        Assert.Equal($"[a][{argument}][b]", printed);
    }
}
