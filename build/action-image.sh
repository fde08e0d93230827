#!/usr/bin/env bash
# Builds the GitHub Action's image locally, as the runner would from action.yml's Dockerfile, but with no
# registry: the base image is the baked sandbox image and NuGet packages come from build/offline-nuget.
#   build/action-image.sh [tag]
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
tag="${1:-sandboxbuild/action:local}"
base="${SANDBOXBUILD_ACTION_BASE:-sandboxbuild/sdk:10.0}"
cd "$root"
if [ ! -d build/offline-nuget/system.commandline ]; then
  echo "action-image: fetching the CLI's packages into build/offline-nuget ..." >&2
  dotnet restore src/Action/SandboxBuild.Action.csproj --packages build/offline-nuget -nologo -v quiet >&2
fi
docker build --build-arg "BASE_IMAGE=$base" -t "$tag" -f Dockerfile . >&2
echo "$tag"
