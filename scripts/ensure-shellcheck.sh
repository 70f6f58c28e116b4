#!/usr/bin/env bash
# Prints the path of shellcheck, installing Debian's shellcheck package when it is missing (needs root or sudo).
set -euo pipefail

if command -v shellcheck >/dev/null 2>&1; then command -v shellcheck; exit 0; fi

echo "ensure-shellcheck: shellcheck not found; installing Debian's shellcheck" >&2
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null 2>&1 || { echo "ensure-shellcheck: ERROR: need root or sudo for apt-get; install shellcheck yourself" >&2; exit 1; }
  SUDO=sudo
fi
command -v apt-get >/dev/null 2>&1 || { echo "ensure-shellcheck: ERROR: no apt-get; install shellcheck (https://www.shellcheck.net)" >&2; exit 1; }
{
  $SUDO apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq shellcheck
} >&2 || { echo "ensure-shellcheck: ERROR: 'apt-get install shellcheck' failed (see above)" >&2; exit 1; }
command -v shellcheck
