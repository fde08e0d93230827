#!/usr/bin/env bash
# Runs the whole test suite on a fresh machine: engine, sandbox image, then every test project.
# TRX results land in artifacts/test-results.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
export SANDBOXBUILD_PULL="${SANDBOXBUILD_PULL:-never}"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# Testcontainers speaks API 1.44 unless told; tell it the engine's own (1.41 on Debian's Docker 20.10). Ryuk needs a
# pulled image, so leftovers are removed by label instead.
if [ -z "${DOCKER_API_VERSION:-}" ]; then
  DOCKER_API_VERSION=$(docker version --format '{{.Server.APIVersion}}' 2>/dev/null || echo 1.41)
fi
export DOCKER_API_VERSION TESTCONTAINERS_RYUK_DISABLED=true

build/sandboxbuild.sh bake --if-missing
rm -rf artifacts/test-results
dotnet test SandboxBuild.sln -c Release --logger trx --results-directory artifacts/test-results "$@"
