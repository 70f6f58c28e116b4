#!/usr/bin/env bash
# Installs Bolometer into the current kubectl context: checks kubectl, cluster access and permissions, takes the
# bucket/region/IAM role from flags (or prompts on a terminal), installs with Helm when present (else kubectl apply
# of deploy/), waits for the rollout and verifies one ready agent per node. --dry-run changes nothing.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
CHART_DIR="$SCRIPT_DIR/helm/bolometer"
DEPLOY_DIR="$SCRIPT_DIR/deploy"
RENDERED_NAMESPACE=bolometer-system   # the namespace deploy/bolometer.yaml was rendered for
RELEASE=bolometer
AGENT=bolometer-agent
COORDINATOR=bolometer-coordinator

NAMESPACE=$RENDERED_NAMESPACE
BUCKET=""
REGION="${AWS_REGION:-}"
ROLE_ARN=""
PREFIX=profiles
METHOD=auto
TIMEOUT=300s
DRY_RUN=false
ASSUME_YES=false

usage() {
  cat <<USAGE
Usage: ./install.sh [options]

  --bucket NAME        S3 bucket for profiles (required; prompted on a terminal)
  --region REGION      its AWS region, e.g. us-west-2 (default: \$AWS_REGION; prompted on a terminal)
  --role-arn ARN       IAM role for the agent's ServiceAccount (IRSA); optional
  --prefix PREFIX      key prefix inside the bucket (default: profiles)
  --namespace NS       namespace to install into (default: bolometer-system)
  --method M           helm | kubectl | auto (default: auto = helm when on PATH)
  --timeout DURATION   how long to wait for each rollout (default: 300s)
  --dry-run            print what would be applied; change nothing (read-only checks still run)
  -y, --yes            non-interactive: never prompt (for CI)
  -h, --help           this text
USAGE
}

log() { printf '==> %s\n' "$*"; }
warn() { printf 'WARNING: %s\n' "$*" >&2; }
die() { printf 'ERROR: %s\n' "$*" >&2; exit 1; }

# Runs a command that changes the cluster, or only prints it under --dry-run.
run() {
  if [ "$DRY_RUN" = true ]; then
    printf '[dry-run] would run:'; printf ' %q' "$@"; printf '\n'
  else
    printf '+'; printf ' %q' "$@"; printf '\n'
    "$@"
  fi
}

# Applies a manifest read from stdin, or prints it under --dry-run.
apply_stdin() {
  if [ "$DRY_RUN" = true ]; then
    printf '[dry-run] would apply:\n'
    cat
  else
    kubectl apply -f -
  fi
}

need_value() { if [ $# -lt 2 ] || [ -z "$2" ]; then die "$1 needs a value"; fi; }

parse_args() {
  while [ $# -gt 0 ]; do
    case "$1" in
      --bucket) need_value "$@"; BUCKET=$2; shift 2 ;;
      --bucket=*) BUCKET=${1#*=}; shift ;;
      --region) need_value "$@"; REGION=$2; shift 2 ;;
      --region=*) REGION=${1#*=}; shift ;;
      --role-arn) need_value "$@"; ROLE_ARN=$2; shift 2 ;;
      --role-arn=*) ROLE_ARN=${1#*=}; shift ;;
      --prefix) need_value "$@"; PREFIX=$2; shift 2 ;;
      --prefix=*) PREFIX=${1#*=}; shift ;;
      --namespace|-n) need_value "$@"; NAMESPACE=$2; shift 2 ;;
      --namespace=*) NAMESPACE=${1#*=}; shift ;;
      --method) need_value "$@"; METHOD=$2; shift 2 ;;
      --method=*) METHOD=${1#*=}; shift ;;
      --timeout) need_value "$@"; TIMEOUT=$2; shift 2 ;;
      --timeout=*) TIMEOUT=${1#*=}; shift ;;
      --dry-run) DRY_RUN=true; shift ;;
      -y|--yes) ASSUME_YES=true; shift ;;
      -h|--help) usage; exit 0 ;;
      *) usage >&2; die "unknown option: $1" ;;
    esac
  done
}

interactive() { [ "$ASSUME_YES" = false ] && [ -t 0 ]; }

ask() { # ask VAR "question" [default]
  local answer
  read -r -p "$2${3:+ [$3]}: " answer
  printf -v "$1" '%s' "${answer:-${3:-}}"
}

collect_settings() {
  if interactive; then
    [ -n "$BUCKET" ] || ask BUCKET "S3 bucket for profiles"
    [ -n "$REGION" ] || ask REGION "AWS region of the bucket" "us-east-1"
    [ -n "$ROLE_ARN" ] || ask ROLE_ARN "IAM role ARN for the agent (IRSA; empty to skip)"
  fi
  [ -n "$BUCKET" ] || die "--bucket is required (no terminal to ask on)"
  [ -n "$REGION" ] || die "--region is required (or set AWS_REGION)"
  # Only the characters are checked (S3-compatible stores differ in length rules); they go into YAML and flags.
  [[ "$BUCKET" =~ ^[a-z0-9][a-z0-9.-]*$ ]] || die "--bucket '$BUCKET' is not a valid S3 bucket name"
  [[ "$REGION" =~ ^[a-z0-9][a-z0-9-]*$ ]] || die "--region '$REGION' is not a region name (e.g. us-west-2)"
  [[ "$PREFIX" =~ ^[A-Za-z0-9._/-]*$ ]] || die "--prefix '$PREFIX' may hold only letters, digits and . _ / -"
  if [ -n "$ROLE_ARN" ]; then
    [[ "$ROLE_ARN" =~ ^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$ ]] || die "--role-arn '$ROLE_ARN' is not an IAM role ARN"
  else
    warn "no --role-arn: the agent needs AWS credentials another way (EKS Pod Identity, node role); see docs/IRSA_SETUP.md"
  fi
  [[ "$NAMESPACE" =~ ^[a-z0-9]([-a-z0-9]*[a-z0-9])?$ ]] || die "--namespace '$NAMESPACE' is not a valid namespace name"
  case "$METHOD" in
    auto) if command -v helm >/dev/null 2>&1; then METHOD=helm; else METHOD=kubectl; fi ;;
    helm) command -v helm >/dev/null 2>&1 || die "--method helm but helm is not on PATH" ;;
    kubectl) ;;
    *) die "--method must be helm, kubectl or auto" ;;
  esac
  if [ "$METHOD" = kubectl ] && [ "$NAMESPACE" != "$RENDERED_NAMESPACE" ]; then
    die "deploy/ is rendered for namespace $RENDERED_NAMESPACE; install Helm to use --namespace $NAMESPACE"
  fi
}

check_cluster() {
  command -v kubectl >/dev/null 2>&1 || die "kubectl not found on PATH (https://kubernetes.io/docs/tasks/tools/)"
  log "Checking cluster access ($(kubectl config current-context 2>/dev/null || echo 'no current context'))"
  kubectl version --request-timeout=15s >/dev/null 2>&1 \
    || die "cannot reach the cluster: 'kubectl version' failed (check KUBECONFIG and the current context)"
  local missing=() check
  for check in "create customresourcedefinitions.apiextensions.k8s.io" "create clusterroles.rbac.authorization.k8s.io" \
               "create clusterrolebindings.rbac.authorization.k8s.io" "create namespaces" \
               "create serviceaccounts -n $NAMESPACE" "create deployments.apps -n $NAMESPACE" \
               "create daemonsets.apps -n $NAMESPACE" "create roles.rbac.authorization.k8s.io -n $NAMESPACE"; do
    # shellcheck disable=SC2086 # the check is a list of words on purpose
    if [ "$(kubectl auth can-i $check --request-timeout=15s 2>/dev/null || true)" != yes ]; then
      missing+=("$check")
    fi
  done
  [ ${#missing[@]} -eq 0 ] || die "missing permissions: $(IFS=';'; echo "${missing[*]}") (cluster-admin is needed once to install)"
  log "kubectl can reach the cluster and may create everything Bolometer needs"
}

confirm() {
  log "Plan: install with $METHOD into namespace $NAMESPACE; profiles go to s3://$BUCKET/$PREFIX/ ($REGION)${ROLE_ARN:+; agent role $ROLE_ARN}"
  if interactive && [ "$DRY_RUN" = false ]; then
    local answer
    read -r -p "Proceed? [y/N] " answer
    [[ "$answer" =~ ^[Yy] ]] || die "aborted"
  fi
}

install_with_helm() {
  local args=(upgrade --install "$RELEASE" "$CHART_DIR" --namespace "$NAMESPACE" --create-namespace
              --set defaultConfig.enabled=true --set-string "defaultConfig.s3.bucket=$BUCKET"
              --set-string "defaultConfig.s3.region=$REGION" --set-string "defaultConfig.s3.prefix=$PREFIX"
              --set-string "agent.awsRegion=$REGION")
  [ -z "$ROLE_ARN" ] || args+=(--set-string "serviceAccount.annotations.eks\\.amazonaws\\.com/role-arn=$ROLE_ARN")
  run helm "${args[@]}"
}

default_config_manifest() {
  cat <<MANIFEST
apiVersion: profiling.io/v1alpha1
kind: ProfilingConfig
metadata:
  name: default
  namespace: $NAMESPACE
spec:
  s3Config:
    bucket: "$BUCKET"
    region: "$REGION"
    prefix: "$PREFIX"
MANIFEST
}

install_with_kubectl() {
  [ -f "$DEPLOY_DIR/bolometer.yaml" ] || die "$DEPLOY_DIR/bolometer.yaml is missing"
  run kubectl apply -f "$DEPLOY_DIR/crds/"
  run kubectl wait --for condition=established --timeout=60s \
    crd/profilingconfigs.profiling.io crd/profilingassignments.profiling.io
  if kubectl api-versions 2>/dev/null | grep -qx 'policy/v1'; then
    run kubectl apply -f "$DEPLOY_DIR/bolometer.yaml"
  else
    # deploy/ is rendered for 1.21+ (policy/v1); older servers serve the same PodDisruptionBudget as policy/v1beta1,
    # which is what the chart picks there too
    warn "this cluster does not serve policy/v1: applying the PodDisruptionBudget as policy/v1beta1"
    sed 's#^apiVersion: policy/v1$#apiVersion: policy/v1beta1#' "$DEPLOY_DIR/bolometer.yaml" | apply_stdin
  fi
  if [ -n "$ROLE_ARN" ]; then
    run kubectl -n "$NAMESPACE" annotate serviceaccount "$AGENT" --overwrite "eks.amazonaws.com/role-arn=$ROLE_ARN"
  fi
  # Changing the pod template rolls the agents, so new pods also pick up the IRSA token of the annotated account.
  run kubectl -n "$NAMESPACE" set env "daemonset/$AGENT" "AWS_REGION=$REGION"
  default_config_manifest | apply_stdin
}

wait_and_verify() {
  run kubectl -n "$NAMESPACE" rollout status "deployment/$COORDINATOR" "--timeout=$TIMEOUT"
  run kubectl -n "$NAMESPACE" rollout status "daemonset/$AGENT" "--timeout=$TIMEOUT"
  if [ "$DRY_RUN" = true ]; then
    log "[dry-run] would verify that daemonset/$AGENT has one ready agent per node"
    return
  fi
  local desired ready
  desired=$(kubectl -n "$NAMESPACE" get "daemonset/$AGENT" -o 'jsonpath={.status.desiredNumberScheduled}')
  ready=$(kubectl -n "$NAMESPACE" get "daemonset/$AGENT" -o 'jsonpath={.status.numberReady}')
  if [ "${desired:-0}" -eq 0 ] || [ "$desired" != "$ready" ]; then
    kubectl -n "$NAMESPACE" get pods -l app.kubernetes.io/component=agent -o wide >&2 || true
    die "only ${ready:-0} of ${desired:-0} agents are ready; see docs/troubleshooting.md"
  fi
  log "$ready of $desired agents ready (one per schedulable node)"
}

next_steps() {
  local state=installed
  [ "$DRY_RUN" = false ] || state="not installed (dry run); it would be"
  cat <<NEXT

Bolometer is $state in namespace $NAMESPACE. Next:
  1. Serve net/http/pprof on the pod IP of a Go service and annotate its pods: profiling.io/enabled: "true"
     (example: kubectl apply -f examples/target-app.yaml)
  2. ProfilingConfig $NAMESPACE/default profiles every annotated pod into s3://$BUCKET/$PREFIX/;
     narrow it or add your own (examples/profilingconfig-threshold.yaml), then: kubectl get profiling -A
  3. Find profiles: aws s3 ls s3://$BUCKET/$PREFIX/\$(date -u +%F)/ (docs/profiles.md)
NEXT
}

main() {
  parse_args "$@"
  collect_settings
  check_cluster
  confirm
  if [ "$METHOD" = helm ]; then install_with_helm; else install_with_kubectl; fi
  wait_and_verify
  next_steps
}

main "$@"
