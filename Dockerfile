# The GitHub Action's image: the `sandboxbuild` CLI on a .NET SDK image (the host-side restore needs the SDK).
# BASE_IMAGE is a build argument so the image can be built without a registry (`--build-arg BASE_IMAGE=sandboxbuild/sdk:10.0`).
ARG BASE_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0@sha256:e1ffd2a92ae84c1291bc1b6887501f8af98e6331e7af6d4c8d37168c5e87a64c

FROM ${BASE_IMAGE} AS build
USER root
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props ./
COPY src/Core/SandboxBuild.Core.csproj src/Core/
COPY src/Probe/SandboxBuild.Probe.csproj src/Probe/
COPY src/Action/SandboxBuild.Action.csproj src/Action/
# build/offline-nuget holds the packages when the image is built without NuGet access (build/action-image.sh).
COPY build/offline-nuget/ /offline-nuget/
RUN if [ -d /offline-nuget/system.commandline ]; then \
      dotnet restore src/Action/SandboxBuild.Action.csproj --source /offline-nuget; \
    else \
      dotnet restore src/Action/SandboxBuild.Action.csproj; \
    fi
COPY src/ src/
RUN dotnet publish src/Action/SandboxBuild.Action.csproj -c Release --no-restore -o /opt/sandboxbuild

FROM ${BASE_IMAGE}
USER root
# Not a sandbox image, even when built on the baked one: the image resolver must never pick it.
LABEL dev.sandboxbuild.baked=false dev.sandboxbuild.role=action
COPY --from=build /opt/sandboxbuild /opt/sandboxbuild
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
ENTRYPOINT ["dotnet", "/opt/sandboxbuild/sandboxbuild.dll"]
CMD ["action"]
