#!/usr/bin/env bash
# Writes a generated .NET solution for the compatibility matrix and the benchmark: N projects (half class
# libraries, half xunit test projects, each test project referencing its library) and T tests spread over the
# test projects, in a .sln (or .slnx).
#   build/gen-solution.sh DIR [--projects 10] [--tests 200] [--format sln|slnx] [--sandboxbuild VERSION]
# --sandboxbuild adds <PackageReference Include="SandboxBuild" Version="VERSION"/> to every test project (through
# Directory.Build.props), so `dotnet test` in DIR runs sandboxed.
set -euo pipefail
dir="${1:?usage: gen-solution.sh DIR [--projects N] [--tests N] [--format sln|slnx] [--sandboxbuild VERSION]}"
shift
projects=10 tests=200 format=sln sandboxbuild=""
while [ $# -gt 0 ]; do
  case "$1" in
    --projects) projects="$2"; shift 2 ;;
    --tests) tests="$2"; shift 2 ;;
    --format) format="$2"; shift 2 ;;
    --sandboxbuild) sandboxbuild="$2"; shift 2 ;;
    *) echo "gen-solution: unknown option $1" >&2; exit 2 ;;
  esac
done
pairs=$(( projects / 2 ))
[ "$pairs" -ge 1 ] || { echo "gen-solution: --projects must be 2 or more" >&2; exit 2; }
per=$(( (tests + pairs - 1) / pairs ))

mkdir -p "$dir"
cat >"$dir/Directory.Build.props" <<XML
<Project>
  <PropertyGroup>
    <TargetFramework>net10.0</TargetFramework>
    <ImplicitUsings>enable</ImplicitUsings>
    <Nullable>enable</Nullable>
  </PropertyGroup>
  <ItemGroup Condition="\$(MSBuildProjectName.EndsWith('.Tests')) and '$sandboxbuild' != ''">
    <PackageReference Include="SandboxBuild" Version="$sandboxbuild" />
  </ItemGroup>
</Project>
XML

entries=()
written=0
for p in $(seq 1 "$pairs"); do
  lib="Gen.Lib$p" test="Gen.Lib$p.Tests"
  mkdir -p "$dir/src/$lib" "$dir/tests/$test"
  printf '<Project Sdk="Microsoft.NET.Sdk" />\n' >"$dir/src/$lib/$lib.csproj"
  cat >"$dir/src/$lib/Calculator.cs" <<CS
namespace Gen.Lib$p;

public static class Calculator
{
    public static int Add(int a, int b) => a + b + $p - $p;
}
CS
  cat >"$dir/tests/$test/$test.csproj" <<XML
<Project Sdk="Microsoft.NET.Sdk">
  <PropertyGroup>
    <IsPackable>false</IsPackable>
  </PropertyGroup>
  <ItemGroup>
    <PackageReference Include="Microsoft.NET.Test.Sdk" Version="18.0.1" />
    <PackageReference Include="xunit" Version="2.9.3" />
    <PackageReference Include="xunit.runner.visualstudio" Version="3.1.5" />
  </ItemGroup>
  <ItemGroup>
    <Using Include="Xunit" />
    <ProjectReference Include="../../src/$lib/$lib.csproj" />
  </ItemGroup>
</Project>
XML
  count=$(( tests - written < per ? tests - written : per ))
  {
    printf 'namespace Gen.Lib%s.Tests;\n\npublic class CalculatorTests\n{\n' "$p"
    for t in $(seq 1 "$count"); do
      printf '    [Fact]\n    public void Adds_%s() => Assert.Equal(%s, Calculator.Add(%s, 1));\n\n' "$t" $(( t + 1 )) "$t"
    done
    printf '}\n'
  } >"$dir/tests/$test/CalculatorTests.cs"
  written=$(( written + count ))
  entries+=("src/$lib/$lib.csproj" "tests/$test/$test.csproj")
done

if [ "$format" = slnx ]; then
  {
    printf '<Solution>\n'
    for e in "${entries[@]}"; do printf '  <Project Path="%s" />\n' "$e"; done
    printf '</Solution>\n'
  } >"$dir/Gen.slnx"
else
  (cd "$dir" && dotnet new sln -n Gen --format sln >/dev/null && dotnet sln Gen.sln add "${entries[@]}" >/dev/null)
fi
echo "gen-solution: $(( pairs * 2 )) projects, $written tests in $dir ($format)" >&2
