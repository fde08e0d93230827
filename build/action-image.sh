#!/usr/bin/env bash
# Builds the GitHub Action's image locally, as the runner would from action.yml's Dockerfile, but with no
# registry: the base image is the baked sandbox image, NuGet packages come from build/offline-nuget, and
# Squid (the restore sandbox's egress proxy) with the Debian packages it needs beyond the base image from
# build/offline-debs (downloaded here with this host's apt, resolved against the base image's dpkg status).
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
if ! ls build/offline-debs/*.deb >/dev/null 2>&1 && command -v apt-get >/dev/null 2>&1; then
  echo "action-image: fetching squid-openssl and what $base lacks of its dependencies into build/offline-debs ..." >&2
  status="$(mktemp)"
  trap 'rm -f "$status"' EXIT
  docker run --rm --network none --entrypoint cat "$base" /var/lib/dpkg/status >"$status"
  # apt resolves against the base image's installed packages, not this host's; each file is then fetched by name=version.
  mapfile -t wanted < <(apt-get -o Dir::State::status="$status" install --print-uris -qq --no-install-recommends squid-openssl \
    | awk '{print $2}' | sed -E 's/^([^_]+)_([^_]+)_.*/\1=\2/' | sed 's/%3a/:/g')
  mkdir -p build/offline-debs
  (cd build/offline-debs && apt-get download -qq "${wanted[@]}" >&2)
fi
docker build --build-arg "BASE_IMAGE=$base" -t "$tag" -f Dockerfile . >&2
echo "$tag"
