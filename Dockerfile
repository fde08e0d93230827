# The GitHub Action's image: the `sandboxbuild` CLI on a .NET SDK image, with Squid (squid-openssl), the egress
# proxy of the restore sandbox. Restore itself runs in a sibling restore sandbox, never in this container.
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
# build/offline-debs holds squid-openssl and the dependencies the base lacks when built without a Debian mirror
# (build/action-image.sh); else apt installs it. policy-rc.d: no service starts, Squid runs only per restore.
COPY build/offline-debs/ /tmp/offline-debs/
RUN set -eu; \
    printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d; chmod 755 /usr/sbin/policy-rc.d; \
    if ls /tmp/offline-debs/*.deb >/dev/null 2>&1; then \
      # dpkg alone does not order Pre-Depends across files: a second pass installs what the first had to leave.
      dpkg -i /tmp/offline-debs/*.deb >/dev/null 2>&1 || { dpkg --configure -a >/dev/null 2>&1 || true; dpkg -i /tmp/offline-debs/*.deb >/dev/null; }; \
      test -z "$(dpkg --audit)"; \
    else \
      apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends squid-openssl >/dev/null && rm -rf /var/lib/apt/lists/*; \
    fi; \
    rm -rf /tmp/offline-debs /usr/sbin/policy-rc.d; \
    /usr/sbin/squid -v | grep -q -- --with-openssl
COPY --from=build /opt/sandboxbuild /opt/sandboxbuild
ENV DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
ENTRYPOINT ["dotnet", "/opt/sandboxbuild/sandboxbuild.dll"]
CMD ["action"]
