# Bolometer — run `make help` for the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

MVN        ?= mvn
CRD_OUT    := shared-model/target/classes/META-INF/fabric8
CRD_FILES  := profilingconfigs.profiling.io-v1.yml profilingassignments.profiling.io-v1.yml
MVN_FLAGS  ?= -B -ntp
AGENT_JAR  := node-agent/target/bolometer-node-agent.jar
# Images: IMG=<registry>/<name>:<tag> gives <name>-coordinator and <name>-node-agent (the chart's default names).
IMG            ?= ghcr.io/bolometer/bolometer:0.1.0
CONTAINER_TOOL ?= docker
IMG_TAG         = $(lastword $(subst :, ,$(IMG)))
IMG_NAME        = $(patsubst %:$(IMG_TAG),%,$(IMG))
COORDINATOR_IMG = $(IMG_NAME)-coordinator:$(IMG_TAG)
AGENT_IMG       = $(IMG_NAME)-node-agent:$(IMG_TAG)
NAMESPACE      ?= bolometer-system
HELM_ARGS      ?=
SAMPLE_APP := examples/sample-app/bin/sample-app

.PHONY: help
help: ## List the targets with a one-line description
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-18s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

.PHONY: go
go: ## Check for the Go toolchain, installing Debian's golang-go when missing
	@bash scripts/ensure-go.sh >/dev/null && echo "Go: $$($$(bash scripts/ensure-go.sh) version)"

.PHONY: sample-app
sample-app: go ## Build the example Go service (examples/sample-app) into examples/sample-app/bin
	@cd examples/sample-app && CGO_ENABLED=0 "$$(bash ../../scripts/ensure-go.sh)" build -o bin/sample-app .

.PHONY: build
build: sample-app ## Build the jars (no tests) and the sample app
	$(MVN) $(MVN_FLAGS) -q package -DskipTests
	@ls -l $(AGENT_JAR)

.PHONY: shellcheck
shellcheck: ## Check install.sh and the kubectl plugin with shellcheck, installing Debian's shellcheck when missing
	@"$$(bash scripts/ensure-shellcheck.sh)" install.sh scripts/ensure-shellcheck.sh scripts/kubectl-bolometer && echo "shellcheck: install.sh and kubectl-bolometer clean"

PREFIX ?= /usr/local
.PHONY: install-plugin
install-plugin: ## Install the kubectl plugin (kubectl bolometer capture|last) into $(PREFIX)/bin (PREFIX=/usr/local)
	@install -d "$(DESTDIR)$(PREFIX)/bin" && install -m 0755 scripts/kubectl-bolometer "$(DESTDIR)$(PREFIX)/bin/kubectl-bolometer"
	@echo "Installed $(DESTDIR)$(PREFIX)/bin/kubectl-bolometer: try 'kubectl bolometer --help'"

.PHONY: kube-apiserver
kube-apiserver: ## Provide etcd, kube-apiserver and kubectl v1.20.2 from Debian's packages (cached under ~/.cache)
	@KAPI_ETCD_LOOPBACK=1 bash scripts/kube-apiserver.sh

.PHONY: crds
crds: ## Regenerate the CRDs from the Java types and copy them to helm/bolometer/crds and deploy/crds
	$(MVN) $(MVN_FLAGS) -q -pl shared-model process-classes
	@mkdir -p helm/bolometer/crds deploy/crds
	@for f in $(CRD_FILES); do cp $(CRD_OUT)/$$f helm/bolometer/crds/$$f; cp $(CRD_OUT)/$$f deploy/crds/$$f; done
	@echo "CRDs copied to helm/bolometer/crds and deploy/crds"

.PHONY: test
test: go shellcheck kube-apiserver ## Run all tests: unit, integration with real parts, *KubeApiIT on a real API server and *NodeIT on a real node
	@bash scripts/real-node.sh status >/dev/null 2>&1 && was_up=1 || was_up=0; \
	  bash scripts/real-node.sh up; rc=0; \
	  $(MVN) $(MVN_FLAGS) verify -Dgo.binary="$$(bash scripts/ensure-go.sh)" $(TEST_ARGS) || rc=$$?; \
	  if [ $$was_up = 0 ] && [ "$(KEEP_NODE)" != 1 ]; then bash scripts/real-node.sh down >/dev/null 2>&1 || true; fi; \
	  exit $$rc

.PHONY: cluster-test
cluster-test: go kube-apiserver ## Run only the *NodeIT tier on a real node (root; brings the node up and down)
	@bash scripts/real-node.sh status >/dev/null 2>&1 && was_up=1 || was_up=0; \
	  bash scripts/real-node.sh up; rc=0; \
	  $(MVN) $(MVN_FLAGS) verify -pl e2e -am -Dgo.binary="$$(bash scripts/ensure-go.sh)" -Dtest=NoUnitTests \
	    -Dsurefire.failIfNoSpecifiedTests=false -Dit.test='*NodeIT' -Dfailsafe.failIfNoSpecifiedTests=false || rc=$$?; \
	  if [ $$was_up = 0 ] && [ "$(KEEP_NODE)" != 1 ]; then bash scripts/real-node.sh down >/dev/null 2>&1 || true; fi; \
	  exit $$rc

.PHONY: real-node
real-node: kube-apiserver ## Bring up a real one-node cluster (kubelet + containerd + CNI, v1.20.2; root) and import the images
	@bash scripts/real-node.sh up && bash scripts/real-node.sh import && bash scripts/real-node.sh env

.PHONY: real-node-down
real-node-down: ## Take the real node down and undo every change it made to this machine
	@bash scripts/real-node.sh down

.PHONY: images
images: build ## Build the three images without a registry (buildah): target/images/{node-agent,coordinator,sample-app}.tar
	@bash scripts/build-images.sh

.PHONY: cluster-demo
cluster-demo: build kube-apiserver ## The cluster story on a real node (root): helm install, a hot pod, its profiles in S3; tears down
	@bash scripts/cluster-demo.sh

.PHONY: unit-test
unit-test: ## Run only the fast tests: unit tests and *KubeTest on the mock API server (no Go, no real API server)
	$(MVN) $(MVN_FLAGS) test

.PHONY: chart-test
chart-test: ## Lint and render the Helm chart, check deploy/ drift, the dashboard and install.sh (charts module)
	$(MVN) $(MVN_FLAGS) -pl charts test

.PHONY: deploy-manifests
deploy-manifests: ## Re-render deploy/bolometer.yaml from helm/bolometer with default values
	$(MVN) $(MVN_FLAGS) -q -pl charts test -Dtest=RenderedManifestsDriftTest -Dbolometer.updateManifests=true -Dsurefire.failIfNoSpecifiedTests=false
	@echo "deploy/bolometer.yaml rendered; commit it"

.PHONY: dashboard
dashboard: ## Regenerate the Grafana dashboard JSON from scripts/generate-dashboard.py
	python3 scripts/generate-dashboard.py

.PHONY: container-engine
container-engine:
	@$(CONTAINER_TOOL) info >/dev/null 2>&1 || { \
	  echo "No usable container engine: '$(CONTAINER_TOOL) info' failed. Build the images where Docker or Podman runs" >&2; \
	  echo "(CONTAINER_TOOL=podman to switch); the Dockerfiles build the jars themselves." >&2; exit 1; }

.PHONY: docker-build
docker-build: container-engine ## Build both images: make docker-build IMG=registry/bolometer:tag
	$(CONTAINER_TOOL) build -f coordinator/Dockerfile -t $(COORDINATOR_IMG) .
	$(CONTAINER_TOOL) build -f node-agent/Dockerfile -t $(AGENT_IMG) .

.PHONY: docker-push
docker-push: container-engine ## Push both images: make docker-push IMG=registry/bolometer:tag
	$(CONTAINER_TOOL) push $(COORDINATOR_IMG)
	$(CONTAINER_TOOL) push $(AGENT_IMG)

.PHONY: install
install: ## Install the CRDs into the current kubectl context
	kubectl apply -f deploy/crds/

.PHONY: deploy
deploy: install ## Apply the rendered manifests in deploy/ (namespace bolometer-system) to the current context
	kubectl apply -f deploy/

.PHONY: helm-install
helm-install: ## Install or upgrade the chart with Helm: make helm-install HELM_ARGS="--set defaultConfig.s3.bucket=b"
	@command -v helm >/dev/null 2>&1 || { echo "helm is not on PATH: see https://helm.sh/docs/intro/install/ or use make deploy" >&2; exit 1; }
	helm upgrade --install bolometer helm/bolometer --namespace $(NAMESPACE) --create-namespace \
	  --set coordinator.image.repository=$(IMG_NAME)-coordinator --set agent.image.repository=$(IMG_NAME)-node-agent \
	  --set-string coordinator.image.tag=$(IMG_TAG) --set-string agent.image.tag=$(IMG_TAG) $(HELM_ARGS)

.PHONY: demo
demo: build ## Profile the sample app with the standalone agent into ./profiles and show what it stored
	@bash scripts/demo.sh

.PHONY: clean
clean: ## Remove build output, demo profiles and spool
	$(MVN) $(MVN_FLAGS) -q clean
	rm -rf examples/sample-app/bin profiles spool .demo

TEST_ARGS  ?=
KEEP_NODE  ?=
BENCH_ARGS ?=
.PHONY: bench
bench: go ## Measure agent and coordinator against the goals (~15 min on 2 cores): target/bench/results.json, docs/performance.md
	$(MVN) $(MVN_FLAGS) -q -Pbench -pl bench -am package -DskipTests -Dgo.binary="$$(bash scripts/ensure-go.sh)" \
	  -Dbench.args="--out=target/bench/results.json $(BENCH_ARGS)"
