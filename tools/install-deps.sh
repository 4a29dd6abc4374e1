#!/bin/sh
# Installs the Debian 12 packages dateline needs to build and test.
# The one list: README's quick start and .ci/run both call this script.
# Runs apt-get directly as root, through sudo otherwise.
set -eu
PKGS="build-essential pkg-config git ca-certificates
  libutf8proc-dev libjansson-dev libxxhash-dev zlib1g-dev
  libxml2-dev libstemmer-dev libsqlite3-dev libzstd-dev
  clang libclang-rt-14-dev
  python3 zstd util-linux"
if [ -n "${DATELINE_EXTRA_PKGS:-}" ]; then PKGS="$PKGS $DATELINE_EXTRA_PKGS"; fi
SUDO=
if [ "$(id -u)" -ne 0 ]; then SUDO=sudo; fi
$SUDO apt-get update -qq
# shellcheck disable=SC2086
DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends $PKGS
