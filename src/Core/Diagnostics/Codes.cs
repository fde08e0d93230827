using System.Reflection;

namespace SandboxBuild.Diagnostics;

/// <summary>
/// Every user-facing code in one place, so a code never drifts between the CLI, the MSBuild tasks and the
/// action, and the README table can be checked against it.
/// </summary>
public static class Codes
{
    // 1xxx: engine, daemon and image.
    public static readonly SandboxCode EngineUnreachable = new("SBX1001", "No container engine answered", Severity.Error,
        "Start Docker (on Debian/Ubuntu as root: build/bootstrap-docker.sh) or point DOCKER_HOST at a running engine.");
    public static readonly SandboxCode EngineTooOld = new("SBX1002", "The container engine is too old", Severity.Error,
        "Upgrade the engine to Docker 20.10 (API 1.41) or newer.");
    public static readonly SandboxCode EngineRequestFailed = new("SBX1003", "The container engine refused a request", Severity.Error,
        "Read the engine's message above; `docker info` shows whether the engine is healthy.");
    public static readonly SandboxCode ImagePullFailedUsingBaked = new("SBX1101", "Image could not be pulled; using the baked image", Severity.Warning,
        "Nothing to do offline. With a registry, check the network or credentials for the pinned image.");
    public static readonly SandboxCode ImageUnavailable = new("SBX1102", "No sandbox image is available", Severity.Error,
        "Run `sandboxbuild bake` to build the image offline, or allow pulling the pinned image (SANDBOXBUILD_PULL=missing).");
    public static readonly SandboxCode ImageNotPinned = new("SBX1103", "The image is not pinned by digest", Severity.Warning,
        "Reference the image as name@sha256:<digest> so the sandbox cannot change under you.");
    public static readonly SandboxCode BakedImageNotRecorded = new("SBX1104", "The baked tag holds an image bake did not record", Severity.Error,
        "Run `sandboxbuild bake --force` to bake it again, or `sandboxbuild bake --adopt` if you baked that image yourself.");
    public static readonly SandboxCode ProbeVolumeTampered = new("SBX1106", "The probe volume does not hold exactly the probe's files", Severity.Error,
        "Stop the sandboxes that use it (`sandboxbuild stop --all`) and remove the volume (`docker volume rm <name>`); the next run recreates it.");
    public static readonly SandboxCode BakePrerequisite = new("SBX1201", "Baking needs root and debootstrap", Severity.Error,
        "Run as root on Debian or Ubuntu with `apt-get install -y debootstrap`.");
    public static readonly SandboxCode BakeFailed = new("SBX1202", "Baking the sandbox image failed", Severity.Error,
        "Read the debootstrap or engine output above; a Debian mirror must be reachable.");
    public static readonly SandboxCode SdkNotFound = new("SBX1203", "The host .NET SDK was not found", Severity.Error,
        "Install the .NET SDK or set DOTNET_ROOT to its folder.");

    // 14xx: engine features the sandbox relies on (bridge address, API range, recursive read-only).
    public static readonly SandboxCode BridgeAddressUnknown = new("SBX1401", "The host address on the engine's bridge is unknown", Severity.Error,
        "Run on the engine's host with its default bridge (not `--bridge=none`), or set SANDBOXBUILD_LISTEN_ADDRESS to an address of this machine that bridged containers reach.");
    public static readonly SandboxCode EngineApiOutOfRange = new("SBX1402", "The engine and SandboxBuild share no API version", Severity.Error,
        "Unset DOCKER_API_VERSION (or set it within the range the engine accepts), or use an engine that accepts an API between 1.41 and 1.47.");
    public static readonly SandboxCode SubMountWritable = new("SBX1403", "A mount below a read-only mount is writable", Severity.Error,
        "Remove the mount below the source or package folder, or use Docker 25+ (API 1.44), which makes read-only binds recursively read-only.");
    // 13xx: the restore sandbox's egress proxy (Squid) and its unix-socket relay.
    public static readonly SandboxCode ProxyMissing = new("SBX1301", "The egress proxy (Squid with OpenSSL) is not installed", Severity.Error,
        "Install it: `apt-get install squid-openssl` (build/bootstrap-docker.sh does), or set SANDBOXBUILD_SQUID to its path.");
    public static readonly SandboxCode ProxyStartFailed = new("SBX1302", "The egress proxy did not start", Severity.Error,
        "Read Squid's log lines above; `squid -k parse -f <config>` checks a configuration by hand.");
    public static readonly SandboxCode ProxyRelayFailed = new("SBX1303", "The proxy socket for the restore sandbox could not be created", Severity.Error,
        "The state folder must be on a local filesystem that supports unix sockets; check its permissions.");
    public static readonly SandboxCode FeedInvalid = new("SBX1304", "A trusted package feed is invalid", Severity.Error,
        "Give feeds as https:// or http:// URLs with a host name (not an IP address) or as existing folders; credentials as HOST=ENVVAR with ENVVAR set.");

    // 20xx: the policy file.
    public static readonly SandboxCode PolicyInvalid = new("SBX2000", "The policy file is invalid", Severity.Error,
        "Fix the key or value at the line shown; the README lists every key and its format.");

    // 20xx: isolation properties, judged the same way from the policy, a compose file and `docker inspect`.
    public static readonly SandboxCode NetworkNotNone = new("SBX2001", "Network is not isolated", Severity.Error,
        "Set `network: none` (compose: `network_mode: none`).");
    public static readonly SandboxCode Privileged = new("SBX2002", "Privileged mode is on", Severity.Error,
        "Remove `privileged: true`; it grants every capability and device whatever cap_drop says.");
    public static readonly SandboxCode CapabilitiesAdded = new("SBX2003", "Capabilities are added", Severity.Error,
        "Remove every entry of `cap_add`.");
    public static readonly SandboxCode CapabilitiesNotDropped = new("SBX2004", "Not all capabilities are dropped", Severity.Error,
        "Set `cap_drop: [ALL]`.");
    public static readonly SandboxCode NoNewPrivilegesMissing = new("SBX2005", "no-new-privileges is not set", Severity.Error,
        "Set `no_new_privileges: true` (compose: `security_opt: [no-new-privileges:true]`).");
    public static readonly SandboxCode SeccompUnconfined = new("SBX2006", "Seccomp is unconfined", Severity.Error,
        "Use the engine's default seccomp profile (remove `seccomp=unconfined`).");
    public static readonly SandboxCode AppArmorUnconfined = new("SBX2007", "AppArmor is unconfined", Severity.Error,
        "Remove `apparmor=unconfined`.");
    public static readonly SandboxCode SystemPathsUnmasked = new("SBX2008", "Kernel paths are unmasked", Severity.Error,
        "Remove `systempaths=unconfined`; /proc and /sys paths must stay masked and read-only.");
    public static readonly SandboxCode RootFilesystemWritable = new("SBX2009", "The root filesystem is writable", Severity.Error,
        "Set `read_only: true` and give writable space through sized tmpfs mounts.");
    public static readonly SandboxCode RunsAsRoot = new("SBX2010", "The sandbox runs as root", Severity.Error,
        "Set `user: \"1000:1000\"` (any non-zero uid).");
    public static readonly SandboxCode HostNamespace = new("SBX2011", "A host namespace is shared", Severity.Error,
        "Remove `pid: host`, `ipc: host`, `uts: host`, `userns_mode: host` and `cgroup: host`.");
    public static readonly SandboxCode DevicesAdded = new("SBX2012", "Host devices are exposed", Severity.Error,
        "Remove `devices`, `device_cgroup_rules` and GPU requests.");
    public static readonly SandboxCode MemoryUnlimited = new("SBX2013", "Memory is not limited", Severity.Error,
        "Set `memory: 4g` (compose: deploy.resources.limits.memory) and no extra swap.");
    public static readonly SandboxCode CpuUnlimited = new("SBX2014", "CPU is not limited", Severity.Error,
        "Set `cpus: 2` (compose: deploy.resources.limits.cpus).");
    public static readonly SandboxCode PidsUnlimited = new("SBX2015", "Processes are not limited", Severity.Error,
        "Set `pids: 1024` (compose: pids_limit) so a fork bomb stops at the limit.");
    public static readonly SandboxCode EngineSocketMounted = new("SBX2016", "A container-engine socket is mounted", Severity.Error,
        "Remove the mount; an engine socket is root on the host.");
    public static readonly SandboxCode CredentialsMounted = new("SBX2017", "A home or credential folder is mounted", Severity.Error,
        "Remove the mount; mount only the source (read-only) and the output folder.");
    public static readonly SandboxCode WritableHostMount = new("SBX2018", "A host folder other than the output is writable", Severity.Error,
        "Mount the source and every extra folder read-only (`:ro`); only the output folder may be writable.");
    public static readonly SandboxCode MountPropagation = new("SBX2019", "A mount propagates to or from the host", Severity.Error,
        "Use private propagation (remove `shared`/`rshared`/`slave` bind options).");
    public static readonly SandboxCode SecretInEnvironment = new("SBX2020", "A secret is in the sandbox environment", Severity.Error,
        "Remove the variable from `env`; the sandbox gets only an explicit allowlist of non-secret variables.");
    public static readonly SandboxCode SystemFolderMounted = new("SBX2021", "A system folder of the host is mounted", Severity.Error,
        "Remove the mount of /, /etc, /proc, /sys, /dev, /boot, /var/lib/docker or similar.");
    public static readonly SandboxCode TmpfsUnsized = new("SBX2022", "A tmpfs has no size limit", Severity.Error,
        "Give every tmpfs a size (e.g. `/tmp: 1g`).");
    public static readonly SandboxCode TimeoutMissing = new("SBX2023", "No wall-clock timeout", Severity.Error,
        "Set `timeout: 30m` (any positive duration).");

    public static readonly SandboxCode TargetCoversSystemPath = new("SBX2024", "A mount or tmpfs covers a system folder of the image or the probe", Severity.Error,
        "Mount under /workspace, /home/sandbox or /tmp; never at or over /usr, /bin, /lib*, /etc, /proc, /sys, /dev, /usr/share/dotnet or /opt/sandboxbuild.");
    public static readonly SandboxCode RootGroup = new("SBX2025", "The sandbox runs in the root group", Severity.Error,
        "Set `user: \"1000:1000\"` (a non-zero gid).");
    public static readonly SandboxCode UserUnresolved = new("SBX2026", "The sandbox user cannot be resolved to numbers", Severity.Error,
        "Write the user as numeric uid:gid, e.g. `user: \"1000:1000\"`.");
    public static readonly SandboxCode SeccompNotPinned = new("SBX2027", "A custom seccomp profile is not pinned by the trusted side", Severity.Error,
        "Use `seccomp: default`, or pin the profile's sha256 in the caller's policy file (`seccomp_sha256:`).");
    public static readonly SandboxCode MountUnresolvable = new("SBX2028", "A mount source cannot be resolved", Severity.Error,
        "Point the mount at an existing folder without link loops.");

    // 25xx: the repository against the trusted floor.
    public static readonly SandboxCode RepositoryLoosens = new("SBX2501", "The repository's policy loosens the trusted floor", Severity.Error,
        "Remove the setting from the repository, or let the trusted side allow it (a flag, a policy file outside the source, the approved baseline); a local user who trusts the repository can pass --trust-repository-policy.");
    public static readonly SandboxCode RepositoryImage = new("SBX2502", "The repository chose the sandbox image", Severity.Error,
        "Remove `image:` from the repository's policy; the caller chooses the image (--image, the action's image input, SandboxImage on the command line).");
    public static readonly SandboxCode RepositoryOutputPath = new("SBX2503", "The repository chose the output folder", Severity.Error,
        "Remove `output.path` from the repository's policy; the caller chooses the output folder (-o, the action's output input, SandboxOutput on the command line).");
    public static readonly SandboxCode MountLeavesSource = new("SBX2504", "A mount resolves outside the source", Severity.Error,
        "Mount only folders inside the repository, without links out of it; a folder elsewhere must be named by the trusted side by its own path.");
    public static readonly SandboxCode RepositoryPolicyTrusted = new("SBX2505", "The repository's policy is trusted: its loosenings take effect", Severity.Warning,
        "Only for repositories you trust; leave out --trust-repository-policy (and SANDBOXBUILD_TRUST_REPOSITORY_POLICY) to hold the repository to the floor.");
    public static readonly SandboxCode CallerFileInsideSource = new("SBX2506", "A policy or baseline file the caller named is inside the repository", Severity.Warning,
        "A file inside the repository can only tighten; keep the policy or baseline that sets the floor outside the source.");

    // 2050-2069: credential material found by name and content in the host folders a sandbox mounts.
    public static readonly SandboxCode CredentialMaterialInMount = new("SBX2050", "Credential material is in a mounted folder", Severity.Error,
        "Take it out of the folder or mount another one. A CI checkout: actions/checkout with `persist-credentials: false`. Feed passwords: `%NUGET_PASSWORD%` in NuGet.Config, not the value.");
    public static readonly SandboxCode CredentialSearchIncomplete = new("SBX2051", "A mounted folder could not be searched completely for credentials", Severity.Error,
        "Mount a smaller folder (the search stops after 500,000 entries, 48 levels or 10 s) and make it readable by the user running SandboxBuild.");

    // 21xx: facts seen from inside the sandbox by the probe.
    public static readonly SandboxCode ProbeInterfaces = new("SBX2101", "A network interface other than lo is present", Severity.Error,
        "Run with network mode `none`.");
    public static readonly SandboxCode ProbeRoutes = new("SBX2102", "The sandbox has routes or IPv6 addresses", Severity.Error,
        "Run with network mode `none`.");
    public static readonly SandboxCode ProbeEgress = new("SBX2103", "A host-side listener was not reported unreachable", Severity.Error,
        "Run with network mode `none`; any answer but 'network unreachable' means packets are routed.");
    public static readonly SandboxCode ProbeDns = new("SBX2104", "A DNS query was not reported unreachable", Severity.Error,
        "Run with network mode `none`.");
    public static readonly SandboxCode ProbeRootUser = new("SBX2105", "The probe ran as uid 0", Severity.Error,
        "Set a non-zero `user`.");
    public static readonly SandboxCode ProbeCapabilities = new("SBX2106", "The process holds capabilities", Severity.Error,
        "Drop ALL capabilities, add none, and never run privileged.");
    public static readonly SandboxCode ProbeNoNewPrivs = new("SBX2107", "NoNewPrivs is not set inside", Severity.Error,
        "Set `no_new_privileges: true`.");
    public static readonly SandboxCode ProbeSeccomp = new("SBX2108", "Seccomp is not filtering inside", Severity.Error,
        "Use the default seccomp profile on an engine that supports seccomp.");
    public static readonly SandboxCode ProbeProcSysWritable = new("SBX2109", "/proc/sys is writable", Severity.Error,
        "Keep /proc/sys read-only (no privileged, no systempaths=unconfined).");
    public static readonly SandboxCode ProbeReleaseAgentWritable = new("SBX2110", "A cgroup release_agent is writable", Severity.Error,
        "Keep the cgroup filesystem read-only (no privileged, no SYS_ADMIN).");
    public static readonly SandboxCode ProbeSourceWritable = new("SBX2111", "The source can be written from inside", Severity.Error,
        "Mount the source read-only.");
    public static readonly SandboxCode ProbeOutputNotWritable = new("SBX2112", "The output folder cannot be written", Severity.Error,
        "Check the output folder's owner and permissions on the host.");
    public static readonly SandboxCode ProbeHostSocket = new("SBX2113", "A host unix socket is reachable", Severity.Error,
        "Remove the mount that brings the socket into the sandbox.");
    public static readonly SandboxCode ProbeCredentialFiles = new("SBX2114", "Credential files are visible inside", Severity.Error,
        "Remove the mount that brings them in.");
    public static readonly SandboxCode ProbeSecretEnvironment = new("SBX2115", "A secret-looking variable is visible inside", Severity.Error,
        "Remove the variable from the sandbox environment.");
    public static readonly SandboxCode ProbeRootFsWritable = new("SBX2116", "The root filesystem can be written from inside", Severity.Error,
        "Set `read_only: true`.");
    public static readonly SandboxCode ProbeEscalation = new("SBX2117", "A privilege escalation attempt succeeded", Severity.Error,
        "Drop ALL capabilities, keep seccomp and no-new-privileges on.");
    public static readonly SandboxCode ProbeCredentialMaterial = new("SBX2118", "Credential material is visible in a mount inside", Severity.Error,
        "Remove the mount that brings it in, or take the material out of the mounted folder.");
    public static readonly SandboxCode ProbeNotPlaced = new("SBX2119", "The probe could not be placed in a sandbox started elsewhere", Severity.Error,
        "The container needs /bin/sh and a writable tmpfs or /dev/shm for the probe's files (or mount SandboxBuild's probe volume), and /usr/share/dotnet/dotnet to run it.");
    public static readonly SandboxCode ProbeStrayProcess = new("SBX2140", "A process other than the sandbox's own is running", Severity.Error,
        "Stop the sandbox (`sandboxbuild stop`); SandboxBuild ends what earlier commands left running before each run, so one that survives is an escape attempt.");

    // 23xx: the restore sandbox: the only place the repository's project files are evaluated before the build.
    public static readonly SandboxCode RestoreNetwork = new("SBX2301", "The restore sandbox has a network of its own", Severity.Error,
        "The restore sandbox must run with network mode `none`; its only way out is the proxy socket.");
    public static readonly SandboxCode RestoreForeignSocket = new("SBX2302", "A socket other than the proxy's is reachable in the restore sandbox", Severity.Error,
        "Remove the mount that brings the socket in; the restore sandbox gets the proxy socket and nothing else.");
    public static readonly SandboxCode RestoreProxyChannel = new("SBX2303", "The restore sandbox's proxy channel is missing, writable or not SandboxBuild's", Severity.Error,
        "The proxy folder must be this restore's own, mounted read-only, holding only the relay's socket.");
    public static readonly SandboxCode RestoreEnvironment = new("SBX2304", "The restore sandbox's environment holds more than restore needs", Severity.Error,
        "The restore environment is built from nothing: remove the variable; feed credentials go only into the trusted NuGet config.");
    public static readonly SandboxCode RestoreWritableMount = new("SBX2305", "The restore sandbox writes somewhere other than its fresh package and results folders", Severity.Error,
        "Mount everything else read-only; the restore writes only this restore's own package and results folders.");

    // 22xx: compose files.
    public static readonly SandboxCode ComposeMerged = new("SBX2201", "Compose merges more than the named file", Severity.Note,
        "Review every merged file: a weakening in an override applies too.");
    public static readonly SandboxCode ComposeEnvRedirects = new("SBX2202", "The compose .env redirects the engine or files", Severity.Error,
        "Remove DOCKER_HOST, DOCKER_CONTEXT and COMPOSE_FILE from the project's .env file.");
    public static readonly SandboxCode ComposeInvalid = new("SBX2203", "The compose file cannot be read", Severity.Error,
        "Fix the YAML at the line shown.");

    // 24xx: the build-logic gate: files the host's MSBuild and NuGet read, compared with the approved record.
    public static readonly SandboxCode BuildLogicModified = new("SBX2401", "A build-logic file changed", Severity.Error,
        "Have the change reviewed; if approved, record it with `validate --build-logic --write-baseline FILE` and commit the record to the base branch.");
    public static readonly SandboxCode BuildLogicAdded = new("SBX2402", "A build-logic file was added", Severity.Error,
        "Have the new file reviewed; if approved, record it with `validate --build-logic --write-baseline FILE`. Generated files (obj/, bin/) mean something evaluated the repository before the gate: run the gate first, on a clean checkout.");
    public static readonly SandboxCode BuildLogicRemoved = new("SBX2403", "A build-logic file was removed", Severity.Error,
        "Have the removal reviewed (a removed file can unmask another one); if approved, record it with `validate --build-logic --write-baseline FILE`.");
    public static readonly SandboxCode BuildLogicPackageChanged = new("SBX2404", "A restored package changed", Severity.Error,
        "Have the package change reviewed (its build/ and buildTransitive/ files run on the host); if approved, record it with `validate --build-logic --write-baseline FILE`.");
    public static readonly SandboxCode BuildLogicPackageAssetsChanged = new("SBX2405", "A package's build assets differ from the recorded ones", Severity.Error,
        "The same id and version now holds different build/ files: clear that package from the package folder and restore it from a trusted feed.");
    public static readonly SandboxCode BuildLogicDynamicPath = new("SBX2406", "A path in the build logic cannot be resolved without evaluating it", Severity.Error,
        "Use a literal path (or $(MSBuildThisFileDirectory)...), or one ending in a file name the gate always hashes (.props, .targets, *proj).");
    public static readonly SandboxCode BuildLogicSymlink = new("SBX2407", "A build-logic path is a symbolic link", Severity.Error,
        "Replace the link with the file itself; links are never followed, so what they point at cannot be approved.");
    public static readonly SandboxCode BuildLogicOutsideRepository = new("SBX2408", "The build logic reaches outside the repository", Severity.Error,
        "Import and reference only files inside the repository (run the gate on the repository root).");
    public static readonly SandboxCode BuildLogicUnreadable = new("SBX2409", "A build-logic file cannot be read", Severity.Error,
        "Make it a readable, regular, well-formed file; the gate cannot see what an unreadable file imports.");
    public static readonly SandboxCode BuildLogicRecordInvalid = new("SBX2410", "The build-logic record cannot be read", Severity.Error,
        "Give the record written by `validate --build-logic --write-baseline FILE`, as committed on the base branch.");
    public static readonly SandboxCode BuildLogicNoLockFile = new("SBX2411", "Packages are not pinned by lock files", Severity.Warning,
        "Set RestorePackagesWithLockFile=true (and RestoreLockedMode=true in CI) so every package and version is known before restore.");
    public static readonly SandboxCode BuildLogicRepositorySdk = new("SBX2412", "global.json selects an SDK from a folder the repository chooses", Severity.Error,
        "Remove `sdk.paths` entries other than \"$host$\" (or remove the folder from the repository): the SDK runs on the host.");

    // 28xx: drift against the committed baseline.
    public static readonly SandboxCode Drift = new("SBX2801", "Isolation drifted from the approved baseline", Severity.Error,
        "Restore the approved setting, or have the change reviewed and run `validate --write-baseline`.");
    public static readonly SandboxCode BaselineInvalid = new("SBX2802", "The baseline file cannot be read", Severity.Error,
        "Regenerate it with `validate --write-baseline` and commit it.");

    // 29xx: facts that could not be gathered. The gate fails closed on every one of them.
    public static readonly SandboxCode InspectUnavailable = new("SBX2901", "The container could not be inspected completely", Severity.Error,
        "Check that the engine is healthy and the container still runs.");
    public static readonly SandboxCode ProbeFailed = new("SBX2902", "The in-sandbox probe could not run", Severity.Error,
        "The image must provide /usr/share/dotnet/dotnet; read the probe's output above.");
    public static readonly SandboxCode EngineInfoUnavailable = new("SBX2903", "Engine facts could not be gathered", Severity.Error,
        "Check that `docker info` works.");
    public static readonly SandboxCode ListenerUnavailable = new("SBX2904", "The host-side listener for the network probe could not be opened", Severity.Error,
        "The validator must run on the engine's host (or in a container on its bridge) to prove isolation.");

    // 3xxx: run, timeout and artifact collection.
    public static readonly SandboxCode CommandFailed = new("SBX3001", "The command failed inside the sandbox", Severity.Error,
        "Read the command's output above.");
    public static readonly SandboxCode Timeout = new("SBX3002", "The run exceeded its timeout and was stopped", Severity.Error,
        "Raise `timeout` in the policy, or find what hangs; the output written so far was kept.");
    public static readonly SandboxCode OutOfMemory = new("SBX3003", "The sandbox ran out of memory and was killed", Severity.Error,
        "Raise `memory` in the policy, or find what allocates.");
    public static readonly SandboxCode PidsLimitReached = new("SBX3004", "The sandbox hit its process limit", Severity.Error,
        "Raise `pids` in the policy, or find what forks without end.");
    public static readonly SandboxCode StageFailed = new("SBX3006", "The source could not be staged inside the sandbox", Severity.Error,
        "Read the message above; the workspace tmpfs may be too small (`workspace_size`).");
    public static readonly SandboxCode SandboxNotFound = new("SBX3007", "No running sandbox for this repository", Severity.Error,
        "Start one with `sandboxbuild start`.");
    public static readonly SandboxCode OutputFolderNotOurs = new("SBX3008", "The output folder holds files SandboxBuild did not write", Severity.Error,
        "Choose an empty output folder, or delete it yourself; SandboxBuild empties only folders it created and recorded.");
    public static readonly SandboxCode Killed = new("SBX3009", "The sandbox was stopped", Severity.Error,
        "It was stopped by `sandboxbuild stop` or the engine.");
    public static readonly SandboxCode SourceUnreadable = new("SBX3010", "The sandbox user cannot read the source", Severity.Error,
        "Make the folder readable (`chmod -R o+rX <folder>`), or set `user:` in sandbox.yml to the folder owner's uid:gid.");
    public static readonly SandboxCode TestFailed = new("SBX3011", "A test failed inside the sandbox", Severity.Error,
        "Read the test's message; run it with SandboxSkip=true (or `dotnet test` outside) to debug natively.");
    public static readonly SandboxCode OutputHoldsSource = new("SBX3301", "The output folder is the source or holds it", Severity.Error,
        "Choose an output folder inside the source or elsewhere, never the source itself or a folder above it.");
    public static readonly SandboxCode OutputThroughLink = new("SBX3302", "The output path goes through a link", Severity.Error,
        "Remove the link, or choose an output path without links inside the repository.");
    public static readonly SandboxCode OutputRecordFailed = new("SBX3303", "The output folder's ownership record cannot be kept", Severity.Error,
        "Check that the state folder (SANDBOXBUILD_STATE_DIR, else ~/.local/state/sandboxbuild) is writable.");

    // 34xx: staging the source.
    public static readonly SandboxCode SourceFilesSkipped = new("SBX3401", "Files the sandbox user cannot read were not staged", Severity.Warning,
        "Nothing to do if the build does not need them (git's private files, a 0600 .env); otherwise make them readable to the sandbox's uid (`chmod o+r`).");

    // 35xx: test modules of Microsoft.Testing.Platform run in the sandbox, and their results replayed.
    public static readonly SandboxCode TestModuleArguments = new("SBX3501", "A test argument cannot be passed into the sandbox", Severity.Error,
        "Give results and diagnostics folders with --results-directory / --diagnostic-output-directory only, and files the module reads from inside the source.");
    public static readonly SandboxCode TestRecordInvalid = new("SBX3502", "The test module's record is malformed", Severity.Error,
        "The code under test may have overwritten SandboxBuild's record in the output folder; read the module's output above.");
    public static readonly SandboxCode TestReplayFailed = new("SBX3503", "The results could not be handed to dotnet test", Severity.Error,
        "Use a .NET 10 SDK; read the message for what dotnet test answered.");
    public static readonly SandboxCode TestArtifactDropped = new("SBX3504", "A file a test module announced did not come back", Severity.Warning,
        "Write result files under the results folder (--results-directory); only files the collector verified are reported.");
    public static readonly SandboxCode TestResultsUnsafe = new("SBX3505", "The results folder goes through a link", Severity.Error,
        "Choose a results folder (--results-directory) that is a real folder, not a symbolic link.");
    public static readonly SandboxCode ArtifactSymlink = new("SBX3101", "A link in the output was refused", Severity.Warning,
        "Write real files to the output folder; links are never followed out of it.");
    public static readonly SandboxCode ArtifactSpecialFile = new("SBX3102", "A special file in the output was refused", Severity.Warning,
        "Write regular files only: hardlinks, FIFOs, sockets and devices are refused.");
    public static readonly SandboxCode ArtifactBadName = new("SBX3103", "A file name in the output was refused", Severity.Warning,
        "Use names without control characters, backslashes or invalid UTF-8.");
    public static readonly SandboxCode ArtifactLimit = new("SBX3104", "An artifact limit was reached", Severity.Warning,
        "Raise `artifacts.max_files`, `max_file_size` or `max_total_size`, or write less.");
    public static readonly SandboxCode ArtifactCaseCollision = new("SBX3105", "Two artifact names differ only by case", Severity.Warning,
        "Rename one; artifact stores merge such names silently.");
    public static readonly SandboxCode SecretInArtifact = new("SBX3106", "A secret was found in an artifact", Severity.Error,
        "Remove the secret from the file; if it is a test fixture, set `artifacts.secrets: warn`.");
    public static readonly SandboxCode ArtifactUnreadable = new("SBX3107", "An artifact could not be read", Severity.Warning,
        "Make the file readable by the host user.");

    // 32xx: the restore stage: its outcome and the hosts the proxy refused.
    public static readonly SandboxCode EgressRefused = new("SBX3201", "Restore tried to reach a host that is not an allowed feed", Severity.Warning,
        "Nothing to do if the repository should not reach it. If it is a feed you trust, add it on the trusted side (`--feed`, SANDBOXBUILD_FEEDS).");
    public static readonly SandboxCode EgressNameMismatch = new("SBX3202", "Restore opened TLS to an allowed feed under another name", Severity.Warning,
        "The TLS server name must equal the host asked for; the connection was cut before it reached the feed.");
    public static readonly SandboxCode SandboxRestoreFailed = new("SBX3203", "Restore failed in the restore sandbox", Severity.Error,
        "Read the restore output above; packages come only from the trusted feeds (`--feed`, SANDBOXBUILD_FEEDS).");
    public static readonly SandboxCode RestoreGateFailed = new("SBX3204", "The restore sandbox failed the gate; nothing was restored", Severity.Error,
        "Read the failed checks above; the restore sandbox is held to the build sandbox's rules and its own.");
    public static readonly SandboxCode RestoreTimedOut = new("SBX3205", "Restore exceeded the run's timeout and was stopped", Severity.Error,
        "Raise `timeout` in the policy, or find what hangs during restore.");

    // 4xxx: task and action inputs.
    public static readonly SandboxCode InvalidInput = new("SBX4001", "An input is invalid", Severity.Error,
        "Fix the value named in the message.");
    public static readonly SandboxCode ActionEnvironment = new("SBX4002", "The GitHub Actions environment is incomplete", Severity.Error,
        "Run the action through `uses:` in a workflow, with /var/run/docker.sock available on the runner.");
    // 41xx: skips, bypasses and MSBuild task inputs. A test run that would not happen in the sandbox is never silent.
    public static readonly SandboxCode TestModuleOutsideDotnetTest = new("SBX4101", "A sandboxed test project was started outside the sandbox", Severity.Error,
        "Run its tests with `dotnet test` (they build and run in the sandbox), or skip the sandbox on purpose with `-p:SandboxSkip=true` or SANDBOXBUILD_SKIP=1.");
    public static readonly SandboxCode SandboxSkipped = new("SBX4102", "The sandbox was skipped on purpose; the tests run natively on this machine", Severity.Warning,
        "Remove SandboxSkip / SANDBOXBUILD_SKIP to run sandboxed; CI can forbid skipping with SANDBOXBUILD_REQUIRE=1.");
    public static readonly SandboxCode RepositorySkip = new("SBX4103", "The repository's own files ask to skip the sandbox", Severity.Warning,
        "Remove SandboxSkip from the repository's project files; only the command line (-p:SandboxSkip=true) or the environment can skip the sandbox.");
    public static readonly SandboxCode SkipForbidden = new("SBX4104", "SANDBOXBUILD_REQUIRE=1 forbids running tests outside the sandbox", Severity.Error,
        "Run the tests with `dotnet test` without SandboxSkip, or unset SANDBOXBUILD_REQUIRE where a native run is intended.");
    public static readonly SandboxCode TestEntryNotSandboxed = new("SBX4105", "This way of running tests is not sandboxed", Severity.Error,
        "Run `dotnet test` (VSTest or Microsoft.Testing.Platform mode), or skip the sandbox on purpose with `-p:SandboxSkip=true`.");
    public static readonly SandboxCode RepositorySettingIgnored = new("SBX4107", "A SandboxBuild setting from the repository's files was ignored", Severity.Warning,
        "Pass the setting on the command line (-p:Name=value) or in the environment; a repository may only tighten limits.");
    public static readonly SandboxCode TaskParameterMissing = new("SBX4106", "A required task parameter is missing", Severity.Error,
        "Set the parameter named in the message on the task in your target.");
    public static readonly SandboxCode InternalError = new("SBX4999", "Unexpected internal error", Severity.Error,
        "Please report it with the message above; nothing was left running.");

    private static readonly Lazy<IReadOnlyList<SandboxCode>> AllCodes = new(() =>
        typeof(Codes).GetFields(BindingFlags.Public | BindingFlags.Static)
            .Where(f => f.FieldType == typeof(SandboxCode))
            .Select(f => (SandboxCode)f.GetValue(null)!)
            .OrderBy(c => c.Id, StringComparer.Ordinal)
            .ToArray());

    public static IReadOnlyList<SandboxCode> All => AllCodes.Value;

    public static SandboxCode? Find(string id) => All.FirstOrDefault(c => c.Id == id);
}
