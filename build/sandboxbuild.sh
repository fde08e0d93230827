#!/usr/bin/env bash
# The SandboxBuild CLI from this repository, ready on a fresh machine: it makes sure an engine answers,
# builds the CLI, bakes the sandbox image when none exists (no registry needed), then runs the command.
#   build/sandboxbuild.sh run -C samples/SampleApp
# It works offline: it never pulls (SANDBOXBUILD_PULL=never) unless you set SANDBOXBUILD_PULL=missing.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export SANDBOXBUILD_PULL="${SANDBOXBUILD_PULL:-never}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1

"$root/build/bootstrap-docker.sh" >&2

cli="$root/artifacts/cli/sandboxbuild.dll"
if [ ! -f "$cli" ] || [ -n "$(find "$root/src" -newer "$cli" \( -name '*.cs' -o -name '*.csproj' \) -print -quit)" ]; then
  echo "sandboxbuild: building the CLI ..." >&2
  dotnet build "$root/src/Action/SandboxBuild.Action.csproj" -c Release -o "$root/artifacts/cli" -nologo -v quiet -clp:ErrorsOnly >&2
fi

# samples/SampleApp consumes the package built from this repository, from a local feed. The restore sandbox
# takes packages only from trusted feeds: nuget.org and that folder, unless the caller names others.
"$root/build/pack.sh"
export SANDBOXBUILD_FEEDS="${SANDBOXBUILD_FEEDS:-https://api.nuget.org/v3/index.json;$root/artifacts/packages}"
dotnet "$cli" bake --if-missing >&2
exec dotnet "$cli" "$@"
