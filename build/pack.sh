#!/usr/bin/env bash
# Packs the SandboxBuild NuGet package into artifacts/packages (the local feed samples/SampleApp uses), and
# drops the sample's cached copy of it so the next restore takes the fresh one. Does nothing when the
# package is newer than every source file.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
version="${SANDBOXBUILD_PACKAGE_VERSION:-0.1.0-local}"
package="$root/artifacts/packages/SandboxBuild.$version.nupkg"
if [ -f "$package" ] && [ -z "$(find "$root/src" -newer "$package" -type f \( -name '*.cs' -o -name '*.csproj' -o -name '*.props' -o -name '*.targets' \) -print -quit)" ]; then
  exit 0
fi
echo "pack: building the SandboxBuild package $version ..." >&2
dotnet pack "$root/src/Tasks/SandboxBuild.Tasks.csproj" -c Release -o "$root/artifacts/packages" -p:Version="$version" -nologo -v quiet -clp:ErrorsOnly >&2
rm -rf "$root/artifacts/sample-packages/sandboxbuild"
