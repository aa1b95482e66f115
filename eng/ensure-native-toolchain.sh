#!/usr/bin/env bash
# Native AOT links with the platform's C toolchain: clang by default, gcc through -p:CppCompilerAndLinker=gcc (which
# eng/check-packages.sh passes when only gcc is present), plus binutils' objcopy to strip the symbols into a .dbg file.
# The ILCompiler package itself comes from NuGet with the publish (the SDK picks its version). On .NET 9 and later no
# zlib development package is needed (the runtime links its own zlib-ng).
# On a machine with only the .NET SDK, install clang from the distribution's packages (CI runs as root; elsewhere sudo
# is used when present). Exits 0 when a compiler and objcopy are on PATH afterwards.
set -euo pipefail

have_toolchain() {
  { command -v clang > /dev/null || command -v gcc > /dev/null; } && command -v objcopy > /dev/null
}

if have_toolchain; then
  exit 0
fi

as_root=()
if [ "$(id -u)" != 0 ] && command -v sudo > /dev/null; then
  as_root=(sudo)
fi

echo "Native AOT needs clang (or gcc) and objcopy; installing clang from the distribution's packages." >&2
if command -v apt-get > /dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  "${as_root[@]}" apt-get update -qq
  # clang depends on binutils (objcopy, ld) and libc6-dev; gcc is the fallback where no clang package is offered.
  "${as_root[@]}" apt-get install -y -qq --no-install-recommends clang > /dev/null \
    || "${as_root[@]}" apt-get install -y -qq --no-install-recommends gcc libc6-dev binutils > /dev/null
elif command -v dnf > /dev/null; then
  "${as_root[@]}" dnf install -y -q clang binutils
elif command -v apk > /dev/null; then
  "${as_root[@]}" apk add --no-cache clang build-base
fi

have_toolchain || { echo "Native AOT needs clang or gcc, and objcopy; none found and none could be installed." >&2; exit 1; }
