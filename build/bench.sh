#!/usr/bin/env bash
# Measures SandboxBuild against native runs, side by side on this machine, and prints the ratios:
#   - `dotnet test` of samples/SampleApp: native vs sandboxed, cold (after a clean) and warm (after a one-line change)
#   - `dotnet test` of the generated 10-project, 200-test solution (build/gen-solution.sh): native vs sandboxed, cold
#   - the security gate on a running sandbox, and the start latency of a one-shot run
#   - N sandboxes in parallel vs one
#   - the artifact collector vs `cp -r` on 1 GB in 10k files
#   - the restore stage: a cold restore sandbox vs native restore, and reuse with unchanged inputs (build/bench-restore.sh)
# Each figure is the median, with the spread (min-max) of the runs beside it.
# Usage: build/bench.sh [runs]   (default 5 runs per warm measurement, 3 per cold one)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
runs="${1:-5}"
cold_runs=3
parallel="${SANDBOXBUILD_BENCH_PARALLEL:-4}"
export SANDBOXBUILD_PULL="${SANDBOXBUILD_PULL:-never}" DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# The restore sandbox takes packages only from feeds the trusted side names: nuget.org and the local package feed.
export SANDBOXBUILD_FEEDS="${SANDBOXBUILD_FEEDS:-https://api.nuget.org/v3/index.json;$root/artifacts/packages}"

"$root/build/sandboxbuild.sh" bake --if-missing >/dev/null
cli=(dotnet "$root/artifacts/cli/sandboxbuild.dll")
work="$(mktemp -d /tmp/sandboxbuild-bench-XXXXXX)"
chmod 755 "$work"
trap '"${cli[@]}" stop -C "$work/sample" --all >/dev/null 2>&1 || true; "${cli[@]}" stop -C "$work/generated" --all >/dev/null 2>&1 || true; rm -rf "$work"' EXIT

# A copy of the sample, with the local feed at its absolute path.
cp -r "$root/samples/SampleApp" "$work/sample"
rm -rf "$work"/sample/{src,tests}/*/{bin,obj} "$work/sample/sandbox-output"
sed -i "s#../../artifacts/#$root/artifacts/#" "$work/sample/NuGet.Config"
chmod -R o+rX "$work"

now() { date +%s.%N; }
median() { python3 -c 'import sys,statistics; print(f"{statistics.median(float(x) for x in sys.argv[1:]):.2f}")' "$@"; }
spread() { python3 -c 'import sys; v=[float(x) for x in sys.argv[1:]]; print(f"{min(v):.2f}-{max(v):.2f}")' "$@"; }
ratio() { python3 -c "import sys; print(f'{float(sys.argv[1])/float(sys.argv[2]):.2f}')" "$1" "$2"; }
timed() { local start; start=$(now); "$@" >"$work/last.log" 2>&1 || { cat "$work/last.log" >&2; echo "bench: command failed: $*" >&2; exit 1; }; python3 -c "print(f'{$(now)-$start:.3f}')"; }
clean() { rm -rf "$work"/sample/{src,tests}/*/{bin,obj}; }
change() { echo "// bench change $RANDOM" >>"$work/sample/src/SampleApp/PriceCalculator.cs"; }
cd "$work/sample"

echo "Measuring on $(nproc) cores; $runs warm runs and $cold_runs cold runs each, side by side." >&2

declare -a native_cold sandbox_cold native_warm sandbox_warm gate start par_one par_n collect copy
for _ in $(seq "$cold_runs"); do
  clean; native_cold+=("$(timed dotnet test -p:SandboxSkip=true)")
  clean; sandbox_cold+=("$(timed dotnet test)")
done

# The compatibility matrix's generated solution (build/gen-solution.sh: 10 projects, 200 tests), cold, once each.
"$root/build/gen-solution.sh" "$work/generated" --projects 10 --tests 200 --sandboxbuild "${SANDBOXBUILD_PACKAGE_VERSION:-0.1.0-local}" 2>/dev/null
cp "$work/sample/NuGet.Config" "$work/generated/" && chmod -R o+rX "$work/generated"
clean_generated() { find "$work/generated" -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +; }
(cd "$work/generated" && clean_generated && timed dotnet test -p:SandboxSkip=true) >"$work/generated-native"
(cd "$work/generated" && clean_generated && timed dotnet test) >"$work/generated-sandboxed"

# The generated solution warm, after a one-line change to one library (its test project rebuilds, the rest is up to date).
declare -a gen_native_warm gen_sandbox_warm
first_lib=$(ls -d "$work"/generated/src/*/ | head -1)
change_generated() { echo "// bench change $RANDOM" >>"${first_lib}Calculator.cs"; }
(cd "$work/generated" && dotnet test -p:SandboxSkip=true >/dev/null 2>&1 && dotnet test -p:SandboxWarm=true >/dev/null 2>&1)
for _ in $(seq "$runs"); do
  change_generated; gen_native_warm+=("$(cd "$work/generated" && timed dotnet test -p:SandboxSkip=true)")
  change_generated; gen_sandbox_warm+=("$(cd "$work/generated" && timed dotnet test -p:SandboxWarm=true)")
done
"${cli[@]}" stop -C "$work/generated" --all >/dev/null

dotnet test -p:SandboxSkip=true >/dev/null 2>&1
dotnet test -p:SandboxWarm=true >/dev/null 2>&1
for _ in $(seq "$runs"); do
  change; native_warm+=("$(timed dotnet test -p:SandboxSkip=true)")
  change; sandbox_warm+=("$(timed dotnet test -p:SandboxWarm=true)")
done
"${cli[@]}" stop -C "$work/sample" --all >/dev/null

mkdir -p "$work/empty" && chmod 755 "$work/empty"
for _ in $(seq "$runs"); do
  gate+=("$("${cli[@]}" validate -C "$work/empty" --json - 2>/dev/null | python3 -c 'import json,sys; t=sys.stdin.read(); print(json.loads(t[t.index("{"):])["durationSeconds"])')")
  start+=("$(timed "${cli[@]}" run -C "$work/empty" --no-restore -- /bin/true)")
done

for _ in $(seq 3); do
  par_one+=("$(timed "${cli[@]}" run -C "$work/empty" --no-restore -o "$work/out-single" -- /bin/sh -c 'sleep 2')")
  begin=$(now)
  pids=()
  for n in $(seq "$parallel"); do
    "${cli[@]}" run -C "$work/empty" --no-restore --agent "agent$n" -o "$work/out-$n" -- /bin/sh -c "sleep 2; echo agent$n > /workspace/output/who.txt" >"$work/par-$n.log" 2>&1 &
    pids+=($!)
  done
  for pid in "${pids[@]}"; do wait "$pid"; done
  par_n+=("$(python3 -c "print(f'{$(now)-$begin:.3f}')")")
  for n in $(seq "$parallel"); do grep -qx "agent$n" "$work/out-$n/artifacts/who.txt"; done
done

# 1 GB in 10k files of 100 KB, as a sandbox would leave it.
mkdir -p "$work/big/data" && chmod -R 755 "$work/big"
head -c 1000M /dev/urandom | (cd "$work/big/data" && split -b 100K -a 4 - part-)
cat "$work"/big/data/* >/dev/null # both read from a warm page cache
# Writing 1 GB is bound by the disk: each timing ends with `sync`, and starts with nothing left to flush.
synced() { "$@" && sync; }
for _ in $(seq 3); do
  rm -rf "$work/copy" "$work/published"; sync
  copy+=("$(timed synced cp -r "$work/big/data" "$work/copy")")
  rm -rf "$work/copy"; sync
  collect+=("$(timed synced "${cli[@]}" collect --from "$work/big/data" --to "$work/published")")
done

"$root/build/bench-restore.sh" 3 >/dev/null

nc=$(median "${native_cold[@]}"); sc=$(median "${sandbox_cold[@]}")
nw=$(median "${native_warm[@]}"); sw=$(median "${sandbox_warm[@]}")
gnw=$(median "${gen_native_warm[@]}"); gsw=$(median "${gen_sandbox_warm[@]}")
g=$(median "${gate[@]}"); s=$(median "${start[@]}")
p1=$(median "${par_one[@]}"); pn=$(median "${par_n[@]}")
cp_t=$(median "${copy[@]}"); co_t=$(median "${collect[@]}")
report="$root/artifacts/bench/results.md"
mkdir -p "$(dirname "$report")"
{
  echo "| measurement: median (spread) | native / baseline | SandboxBuild | ratio |"
  echo "|---|---|---|---|"
  echo "| \`dotnet test\` samples/SampleApp, cold (after a clean, $cold_runs runs) | ${nc} s ($(spread "${native_cold[@]}")) | ${sc} s ($(spread "${sandbox_cold[@]}"), fresh sandbox) | $(ratio "$sc" "$nc")x |"
  echo "| \`dotnet test\` of the generated solution (10 projects, 200 tests), cold, once | $(cat "$work/generated-native") s | $(cat "$work/generated-sandboxed") s (fresh sandbox) | $(ratio "$(cat "$work/generated-sandboxed")" "$(cat "$work/generated-native")")x |"
  echo "| \`dotnet test\` after a one-line change, warm ($runs runs) | ${nw} s ($(spread "${native_warm[@]}")) | ${sw} s ($(spread "${sandbox_warm[@]}"), \`SandboxWarm=true\`) | $(ratio "$sw" "$nw")x |"
  echo "| \`dotnet test\` of the generated solution after a one-line change, warm ($runs runs) | ${gnw} s ($(spread "${gen_native_warm[@]}")) | ${gsw} s ($(spread "${gen_sandbox_warm[@]}"), \`SandboxWarm=true\`) | $(ratio "$gsw" "$gnw")x |"
  echo "| security gate on a running sandbox (inspect + probes, $runs runs) | | ${g} s ($(spread "${gate[@]}")) | |"
  echo "| one-shot run of \`/bin/true\` (start, gate, stop, collect; $runs runs) | | ${s} s ($(spread "${start[@]}")) | |"
  echo "| $parallel sandboxes in parallel (each \`sleep 2\`) vs one, 3 runs | ${p1} s (one) | ${pn} s ($parallel) | $(ratio "$pn" "$p1")x |"
  echo "| publish 1 GB in 10k files: \`cp -r\` vs the collector, 3 runs | ${cp_t} s ($(spread "${copy[@]}")) | ${co_t} s ($(spread "${collect[@]}")) | speed $(ratio "$cp_t" "$co_t")x of cp |"
  echo
  cat "$root/artifacts/bench/restore.md"
} | tee "$report"
echo "(written to ${report#"$root/"})" >&2
# The ratios, last, for scripts: warm and cold against native, and the collector's speed against cp.
echo "ratio warm SampleApp: $(ratio "$sw" "$nw")x"
echo "ratio warm generated solution: $(ratio "$gsw" "$gnw")x"
echo "ratio cold SampleApp: $(ratio "$sc" "$nc")x"
echo "ratio cold generated solution: $(ratio "$(cat "$work/generated-sandboxed")" "$(cat "$work/generated-native")")x"
echo "ratio collector vs cp: $(ratio "$cp_t" "$co_t")x"
