#!/usr/bin/env bash
# Native AOT links with the platform's C toolchain (clang by default; gcc through -p:CppCompilerAndLinker=gcc).
# If neither is on the machine, install clang from the distribution's packages (CI runs as root).
set -euo pipefail
if command -v clang > /dev/null || command -v gcc > /dev/null; then
  exit 0
fi
if command -v apt-get > /dev/null; then
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq clang > /dev/null
fi
command -v clang > /dev/null || { echo "Native AOT needs clang or gcc; none found and none could be installed." >&2; exit 1; }
