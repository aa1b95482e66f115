#!/usr/bin/env bash
# Packages as a new user gets them (run by .ci/run; see docs/architecture.md, "Packages"):
#   1. dotnet pack of every library (package validation on, warnings are errors) into a temporary local folder
#   2. tests/Consumers, restored from that folder like a new user's app, built with -warnaserror and run on net8.0
#      and net10.0, and the secrets dotnet tool installed from it and run
#   3. a Native AOT publish of the net10.0 consumer, which must show no warning and run to exit 0
# Step 3 needs a C toolchain (eng/ensure-native-toolchain.sh installs clang where neither clang nor gcc is present).
# --no-aot skips step 3, for a quicker local run; .ci/run always runs it.
set -euo pipefail
aot=true
if [ "${1:-}" = "--no-aot" ]; then
  aot=false
fi
cd "$(dirname "$0")/.."
repo=$(pwd)
started=$SECONDS
step() { echo "== $1 (t=$((SECONDS - started)) s)"; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
feed="$work/feed"
# A version no earlier run has put in the global packages folder, so the consumers restore exactly these packages.
version="0.1.0-ci.$(date -u +%Y%m%d%H%M%S).$$"

step "pack: every library into a local folder (version $version)"
dotnet new sln --name pack --output "$work" --format sln > /dev/null
dotnet sln "$work/pack.sln" add src/*/*.csproj > /dev/null
dotnet pack "$work/pack.sln" -c Release -o "$feed" -p:Version="$version" -p:ContinuousIntegrationBuild=true -warnaserror --nologo
ls "$feed"
# Every library package (all but the dotnet tool) must be referenced by the consumer app.
for nupkg in "$feed"/*."$version".nupkg; do
  id=$(basename "$nupkg" ".$version.nupkg")
  if [ "$id" != "Secrets.Sdk.Cli" ] && ! grep -q "Include=\"$id\"" tests/Consumers/Secrets.Sdk.Consumer/Secrets.Sdk.Consumer.csproj; then
    echo "tests/Consumers/Secrets.Sdk.Consumer does not reference the package $id" >&2
    exit 1
  fi
done

# The consumers build outside the repository (none of its props, packages or nuget.config apply), with a nuget.config
# that adds the local folder to the machine's default sources.
cp -R tests/Consumers "$work/consumers"
cat > "$work/consumers/nuget.config" <<CONFIG
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="secrets-sdk-local" value="$feed" />
  </packageSources>
</configuration>
CONFIG
consumer="$work/consumers/Secrets.Sdk.Consumer"

step "consumers: build net8.0 and net10.0 from the packages, zero warnings"
dotnet build "$consumer" -c Release -warnaserror -p:SecretsSdkVersion="$version" --nologo
for tfm in net8.0 net10.0; do
  step "consumers: run $tfm"
  (cd "$consumer" && timeout 300 dotnet "bin/Release/$tfm/Secrets.Sdk.Consumer.dll")
done

step "tool: install Secrets.Sdk.Cli from the local folder and run it"
(cd "$work/consumers" && dotnet tool install Secrets.Sdk.Cli --tool-path "$work/tools" --version "$version")
"$work/tools/secrets" keygen --out "$work/tool-check.kek"
test -s "$work/tool-check.kek"

if [ "$aot" = false ]; then
  step "done (Native AOT publish skipped: --no-aot)"
  exit 0
fi

step "aot: Native AOT publish of the net10.0 consumer, zero warnings, run"
bash "$repo/eng/ensure-native-toolchain.sh"
linker_args=()
if ! command -v clang > /dev/null && command -v gcc > /dev/null; then
  linker_args=(-p:CppCompilerAndLinker=gcc)
fi
dotnet publish "$consumer" -f net10.0 -r linux-x64 -c Release -p:PublishAot=true -p:SecretsSdkVersion="$version" \
  "${linker_args[@]}" -warnaserror -o "$work/aot" --nologo
(cd "$work" && timeout 300 ./aot/Secrets.Sdk.Consumer)
ls -l "$work/aot/Secrets.Sdk.Consumer"

step "done"
