#!/usr/bin/env bash
# Prints the path of a usable `go` binary, installing Debian's golang-go when none is found.
# The sample app uses only the standard library, so Debian's Go (1.19 on bookworm) is enough.
set -euo pipefail

find_go() {
  if command -v go >/dev/null 2>&1; then command -v go; return 0; fi
  for candidate in /usr/lib/go/bin/go /usr/local/go/bin/go; do
    if [ -x "$candidate" ]; then echo "$candidate"; return 0; fi
  done
  return 1
}

if go_bin=$(find_go); then
  echo "$go_bin"
  exit 0
fi

echo "ensure-go: no Go toolchain found; installing Debian's golang-go" >&2
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO=sudo; else
    echo "ensure-go: ERROR: need root (or sudo) to run 'apt-get install -y golang-go'; install Go 1.19+ yourself and re-run" >&2
    exit 1
  fi
else
  SUDO=""
fi
if ! command -v apt-get >/dev/null 2>&1; then
  echo "ensure-go: ERROR: apt-get not available; install Go 1.19+ (https://go.dev/doc/install) and put it on PATH" >&2
  exit 1
fi
{
  $SUDO apt-get update -qq &&
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq golang-go
} >&2 || { echo "ensure-go: ERROR: 'apt-get install golang-go' failed (see above)" >&2; exit 1; }

if go_bin=$(find_go); then
  echo "$go_bin"
else
  echo "ensure-go: ERROR: golang-go installed but no go binary found" >&2
  exit 1
fi
