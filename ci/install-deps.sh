#!/usr/bin/env bash
# Installs the Debian packages capdiff builds and runs with; with --tests,
# also what the tests and benchmarks check reports with (a SARIF schema
# validator, headless Chromium).
# Idempotent: installs only what is missing, and touches apt only then.
set -euo pipefail

packages=(
  pkg-config
  libgit2-dev
  libxml2-dev
  libxml2-utils
  libdw-dev
  libelf-dev
  zlib1g-dev
  libzstd-dev
  libxxhash-dev
  xxhash
  libgraphviz-dev
  zstd
  gcc
  binutils
)
case "${1:-}" in
  --tests) packages+=(python3-jsonschema chromium) ;;
  "") ;;
  *) echo "usage: $0 [--tests]" >&2; exit 2 ;;
esac

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
