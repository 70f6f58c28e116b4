#!/usr/bin/env bash
# cluster-demo.sh - `make cluster-demo`: the README's cluster story on a real one-node cluster on this machine.
# Brings the node up (scripts/real-node.sh), builds and imports the images, installs the chart with Helm (the
# RealNodeEndToEndIT's first steps, run through Maven so Helm is the embedded library and S3 is the embedded
# s3mock), makes one sample-app pod hot and prints what a user would look at: the stored keys, `kubectl get pcfg`,
# `kubectl describe pcfg` and the top of the CPU profile. Everything it started is taken down at the end.
# Needs root (the node); the first run builds the Kubernetes binaries (~10 min on 2 cores, cached).
set -Eeuo pipefail
cd "$(dirname "$0")/.."
[ "$(id -u)" = 0 ] || { echo "make cluster-demo needs root: it runs a kubelet, containerd and a CNI bridge" >&2; exit 1; }
GO=$(bash scripts/ensure-go.sh)
bash scripts/real-node.sh status >/dev/null 2>&1 && was_up=1 || was_up=0
cleanup() { if [ "$was_up" = 0 ] && [ "${KEEP_NODE:-0}" != 1 ]; then bash scripts/real-node.sh down >/dev/null 2>&1 || true; fi; }
trap cleanup EXIT
bash scripts/real-node.sh up
echo "==> Installing with Helm, applying examples/target-app.yaml and examples/profilingconfig-threshold.yaml,"
echo "    making one sample-app pod hot through its pod IP (a few minutes: checks every 15 s, 10 s CPU profile)"
mvn -B -ntp -q verify -pl e2e -am -Dgo.binary="$GO" -Dtest=NoUnitTests -Dsurefire.failIfNoSpecifiedTests=false \
  -Dit.test='RealNodeEndToEndIT#helmInstalls*+theExamples*+aPodMadeHot*' -Dfailsafe.failIfNoSpecifiedTests=false \
  -Dbolometer.demo=true >/dev/null || { echo "the demo run failed: see e2e/target/failsafe-reports and e2e/target/real-node-logs" >&2; exit 1; }
cat e2e/target/real-node-demo.txt
