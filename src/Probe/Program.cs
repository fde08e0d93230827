using System.Text.Json;
using SandboxBuild.Probing;

// The in-sandbox agent. `probe <request-json>` prints a ProbeReport; `stage` copies the read-only source into
// the writable workspace; `test-module` builds and runs one MTP test module, recording its pipe messages; in the
// restore sandbox, `forward` relays loopback TCP to the proxy socket and `restore-results` collects what
// restore wrote. Exit codes: 0 done, 2 usage, 3 failed (`forward` with a command: the command's). Anything
// else (127, a signal) means it did not run: the host side treats it as a failure.
try
{
    return args switch
    {
        ["probe", var json] => RunProbe(json),
        ["stage", .. var rest] => Stager.Run(rest),
        ["clear", var folder] => Stager.Clear(folder),
        ["settle", var output] => ProcessProbe.Settle(output),
        ["test-module", .. var rest] => TestModuleRun.Run(rest),
        ["forward", .. var rest] => Forwarder.Run(rest),
        ["restore-results", .. var rest] => RestoreOutputs.Collect(rest),
        _ => Usage(),
    };
}
catch (Exception e)
{
    Console.Error.WriteLine($"sandboxbuild-probe: {e.GetType().Name}: {e.Message}");
    return 3;
}

static int RunProbe(string json)
{
    var request = JsonSerializer.Deserialize(json, ProbeJson.Default.ProbeRequest) ?? new ProbeRequest();
    var report = Probe.Run(request);
    Console.Out.Write(JsonSerializer.Serialize(report, ProbeJson.Default.ProbeReport));
    return 0;
}

static int Usage()
{
    Console.Error.WriteLine("usage: sandboxbuild-probe probe <request-json> | stage --from DIR --to DIR [--overlay DIR] [--exclude REL ...] | clear DIR"
        + " | settle OUTPUT-DIR | test-module --project P --record FILE [...] -- ARGS"
        + " | forward --listen ADDRESS:PORT --socket PATH [-- command ...] | restore-results --from DIR --to DIR");
    return 2;
}
