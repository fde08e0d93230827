#!/usr/bin/env bash
# Measures the restore stage on samples/SampleApp, for build/bench.sh to fold in:
#   - cold: a fresh copy of the sample (so its state folder is new), so a restore sandbox starts (gate, Squid, the forwarder) and restores every
#     package from the trusted feeds (nuget.org, which only this host reaches, and the local package feed)
#   - reuse: the same inputs again: the inputs are hashed and the previous restore reused, no sandbox, no proxy
# It also checks that a run with unchanged restore inputs starts no restore sandbox.
# Usage: build/bench-restore.sh [runs]   (default 3)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-3}"
export SANDBOXBUILD_PULL="${SANDBOXBUILD_PULL:-never}" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
export SANDBOXBUILD_FEEDS="${SANDBOXBUILD_FEEDS:-https://api.nuget.org/v3/index.json;$root/artifacts/packages}"

"$root/build/sandboxbuild.sh" bake --if-missing >/dev/null
cli=(dotnet "$root/artifacts/cli/sandboxbuild.dll")
work="$(mktemp -d /tmp/sandboxbuild-bench-restore-XXXXXX)"
chmod 755 "$work"
trap 'rm -rf "$work"' EXIT # the copies' kept restores stay in the state folder (~100 MB each)
cp -r "$root/samples/SampleApp" "$work/sample"
rm -rf "$work"/sample/{src,tests}/*/{bin,obj} "$work/sample/sandbox-output"
sed -i "s#../../artifacts/#$root/artifacts/#" "$work/sample/NuGet.Config"
chmod -R o+rX "$work"

median() { python3 -c 'import sys,statistics; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.2f}")' "$@"; }
now() { date +%s.%N; }
# The restore stage's own numbers, as it reports them.
stage_seconds() { sed -n 's/^Restore stage: \([0-9.]*\) s in the restore sandbox.*/\1/p' "$1" | tail -1; }
reuse_ms() { sed -n 's/^Restore inputs unchanged: .*no restore sandbox; \([0-9]*\) ms).*/\1/p' "$1" | tail -1; }

declare -a native cold_stage cold_run reuse_stage reuse_run
for i in $(seq "$runs"); do
  # The same work natively: every package fetched again into a fresh folder (no HTTP cache), on the host.
  start=$(now)
  (cd "$work/sample" && dotnet restore --no-http-cache --packages "$work/native-$i" >"$work/native-$i.log" 2>&1) \
    || { cat "$work/native-$i.log" >&2; echo "bench-restore: the native restore failed" >&2; exit 1; }
  native+=("$(python3 -c "print(f'{$(now)-$start:.3f}')")")
  rm -rf "$work/native-$i" "$work"/sample/{src,tests}/*/obj
  # A fresh copy is a repository SandboxBuild has never seen: nothing to reuse.
  cp -r "$work/sample" "$work/sample-$i" && chmod -R o+rX "$work/sample-$i"
  start=$(now)
  "${cli[@]}" run -C "$work/sample-$i" -o "$work/out-$i" -- dotnet build >"$work/cold-$i.log" 2>&1 \
    || { cat "$work/cold-$i.log" >&2; echo "bench-restore: the cold run failed" >&2; exit 1; }
  cold_run+=("$(python3 -c "print(f'{$(now)-$start:.3f}')")")
  cold_stage+=("$(stage_seconds "$work/cold-$i.log")")
  start=$(now)
  "${cli[@]}" run -C "$work/sample-$i" -o "$work/out-$i" -- dotnet build >"$work/reuse-$i.log" 2>&1 \
    || { cat "$work/reuse-$i.log" >&2; echo "bench-restore: the reuse run failed" >&2; exit 1; }
  reuse_run+=("$(python3 -c "print(f'{$(now)-$start:.3f}')")")
  reuse_stage+=("$(reuse_ms "$work/reuse-$i.log")")
  if grep -q "^Restore sandbox" "$work/reuse-$i.log"; then
    echo "bench-restore: a run with unchanged restore inputs started a restore sandbox" >&2
    exit 1
  fi
done

report="$root/artifacts/bench/restore.md"
mkdir -p "$(dirname "$report")"
{
  echo "| restore, samples/SampleApp (median of $runs) | restore | whole \`run -- dotnet build\` |"
  echo "|---|---|---|"
  echo "| native \`dotnet restore --no-http-cache\` into a fresh folder (host) | $(median "${native[@]}") s | |"
  echo "| cold: restore sandbox (gate, Squid, restore through the proxy) | $(median "${cold_stage[@]}") s | $(median "${cold_run[@]}") s |"
  echo "| unchanged inputs: hashed and reused, no restore sandbox | $(median "${reuse_stage[@]}") ms | $(median "${reuse_run[@]}") s |"
} | tee "$report"
echo "(written to ${report#"$root/"}; no run with unchanged inputs started a restore sandbox)" >&2
