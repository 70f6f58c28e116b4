#!/usr/bin/env bash
# Prints the path of a Prometheus server binary, installing Debian's prometheus package when none is found.
# Used by the dashboard check (DashboardPrometheusIT): a real Prometheus scrapes a running agent.
set -euo pipefail
if command -v prometheus >/dev/null 2>&1; then command -v prometheus; exit 0; fi
echo "ensure-prometheus: installing Debian's prometheus package" >&2
SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO=sudo
{ $SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends prometheus; } >&2 \
  || { echo "ensure-prometheus: ERROR: could not install prometheus (apt-get install prometheus)" >&2; exit 1; }
# Debian starts the service on install; the tests run their own server on loopback.
$SUDO systemctl stop prometheus >/dev/null 2>&1 || true
command -v prometheus
