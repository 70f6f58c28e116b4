# Bolometer — run `make help` for the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

MVN        ?= mvn
CRD_OUT    := shared-model/target/classes/META-INF/fabric8
CRD_FILES  := profilingconfigs.profiling.io-v1.yml profilingassignments.profiling.io-v1.yml
MVN_FLAGS  ?= -B -ntp
AGENT_JAR  := node-agent/target/bolometer-node-agent.jar
SAMPLE_APP := examples/sample-app/bin/sample-app

.PHONY: help
help: ## List the targets with a one-line description
	@awk 'BEGIN {FS = ":.*## "} /^[a-zA-Z_-]+:.*## / {printf "  \033[36m%-14s\033[0m %s\n", $$1, $$2}' $(MAKEFILE_LIST)

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
test: go kube-apiserver ## Run all tests: unit (*Test), integration (*IT) with the real Go app and an embedded S3 server, and *KubeApiIT on a real API server
	$(MVN) $(MVN_FLAGS) verify -Dgo.binary="$$(bash scripts/ensure-go.sh)"

.PHONY: unit-test
unit-test: ## Run only the fast unit tests (no sockets, no Go)
	$(MVN) $(MVN_FLAGS) test

.PHONY: demo
demo: build ## Profile the sample app with the standalone agent into ./profiles and show what it stored
	@bash scripts/demo.sh

.PHONY: clean
clean: ## Remove build output, demo profiles and spool
	$(MVN) $(MVN_FLAGS) -q clean
	rm -rf examples/sample-app/bin profiles spool .demo
