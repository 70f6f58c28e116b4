# Bolometer — run `make help` for the targets.
SHELL := /bin/bash
.DEFAULT_GOAL := help

MVN        ?= mvn
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

.PHONY: test
test: go ## Run all tests: unit (*Test) and integration (*IT) with the real Go app and an embedded S3 server
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
