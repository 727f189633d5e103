# Croupier. `make help` lists the targets.

SHELL := /usr/bin/env bash -o pipefail
.SHELLFLAGS := -ec

BIN := $(CURDIR)/bin
IMG ?= croupier:dev

# Tool versions come from hack/tools/go.mod, so bumping a pin there rebuilds
# the tool into a new versioned path.
tool_version = $(shell grep -E '^\s*$(1) v' hack/tools/go.mod | awk '{print $$2}' | head -1)
K8S_VERSION := $(patsubst v%,%,$(call tool_version,k8s.io/kubernetes))
ETCD_VERSION := $(call tool_version,go.etcd.io/etcd/server/v3)
CONTROLLER_TOOLS_VERSION := $(call tool_version,sigs.k8s.io/controller-tools)
HELM_VERSION := $(call tool_version,helm.sh/helm/v3)

# envtest looks for kube-apiserver, etcd and kubectl in KUBEBUILDER_ASSETS.
K8S_BIN := $(BIN)/k8s/$(K8S_VERSION)-etcd-$(ETCD_VERSION)
export KUBEBUILDER_ASSETS ?= $(K8S_BIN)
CONTROLLER_GEN := $(BIN)/controller-gen-$(CONTROLLER_TOOLS_VERSION)
HELM := $(BIN)/helm-$(HELM_VERSION)

# Built from source, the Kubernetes binaries would report v0.0.0-master;
# stamp the real version so kubectl and helm version checks behave.
K8S_MINOR := $(word 2,$(subst ., ,$(K8S_VERSION)))
K8S_LDFLAGS := -X k8s.io/component-base/version.gitVersion=v$(K8S_VERSION) -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=$(K8S_MINOR) -X k8s.io/client-go/pkg/version.gitVersion=v$(K8S_VERSION) -X k8s.io/client-go/pkg/version.gitMajor=1 -X k8s.io/client-go/pkg/version.gitMinor=$(K8S_MINOR) -X k8s.io/component-base/version.gitTreeState=clean
HELM_LDFLAGS := -X helm.sh/helm/v3/internal/version.version=$(HELM_VERSION) -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/lint/rules.k8sVersionMinor=$(K8S_MINOR) -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMajor=1 -X helm.sh/helm/v3/pkg/chartutil.k8sVersionMinor=$(K8S_MINOR)

GO_TEST_FLAGS ?= -race -count=1
FUZZTIME ?= 60s

.PHONY: help
help: ## Show this help.
	@awk 'BEGIN {FS = ":.*##"} /^[a-zA-Z_-]+:.*##/ { printf "  %-16s %s\n", $$1, $$2 }' $(MAKEFILE_LIST)

##@ Development

.PHONY: manifests
manifests: $(CONTROLLER_GEN) ## Generate the CRD and RBAC manifests and copy them into the chart.
	$(CONTROLLER_GEN) rbac:roleName=croupier-operator crd paths="./api/..." paths="./controllers/..." output:crd:artifacts:config=config/crd/bases
	hack/sync-chart.sh

.PHONY: generate
generate: $(CONTROLLER_GEN) ## Generate the DeepCopy methods of the API types.
	$(CONTROLLER_GEN) object:headerFile="hack/boilerplate.go.txt" paths="./api/..."

.PHONY: fmt
fmt: ## Run gofmt on the code.
	gofmt -w $$(git ls-files '*.go')

.PHONY: vet
# -race: vet then compiles exactly what `go test -race` runs, so a cold
# `make test` compiles every package once instead of twice.
vet: ## Run go vet (the scale benchmark too, so it keeps compiling).
	go vet -race ./...
	go vet -race -tags scale ./test/scale/

.PHONY: lint
lint: vet ## Fail when a file is not gofmt-clean.
	@out=$$(gofmt -l $$(git ls-files '*.go')); if [[ -n "$$out" ]]; then echo "not gofmt-clean:"; echo "$$out"; exit 1; fi

# The Cassino engine is pure and single-threaded: the race detector finds
# nothing there and makes its property tests five times slower, so it runs
# without it; every other package, all of them concurrent, runs with it.
ENGINE_PKG := ./gameserver/cassino/

# The cluster pass: the tests of the packages that talk to Redis run again
# on a Redis Cluster of 3 primaries and 3 replicas (CROUPIER_TEST_REDIS,
# internal/redisserver), one per test binary, so every script and
# transaction must stay in one slot. Tests that stop or freeze a single
# redis-server skip themselves there; failover tests (named *Failover*)
# start clusters of their own in the first pass and are not run again. The
# operator runs only its Redis tests (heartbeats, sweep, collection,
# cleanup).
CLUSTER_PKGS := ./gameserver/actionlog/ ./gameserver/room/ ./gameserver/wsserver/ ./matchmaker/
CLUSTER_OPERATOR_TESTS := Heartbeat|Silent|RedisDown|Abandoned|Idle|Finished|Deleted|AuditRetention|SkipAnnotation|Sweep
define cluster_pass
	CROUPIER_TEST_REDIS=cluster go test $(GO_TEST_FLAGS) -skip Failover $(CLUSTER_PKGS)
	CROUPIER_TEST_REDIS=cluster go test $(GO_TEST_FLAGS) -run '$(CLUSTER_OPERATOR_TESTS)' ./controllers/
endef

.PHONY: test
test: deps test-tools lint image-check ## Run every test (installs what it needs first).
	go test $(GO_TEST_FLAGS) $$(go list ./... | grep -v '/gameserver/cassino$$')
	go test -count=1 $(ENGINE_PKG)
	$(cluster_pass)

.PHONY: test-cluster
test-cluster: deps test-tools ## Run only the cluster pass of make test (the Redis tests on a Redis Cluster).
	$(cluster_pass)

.PHONY: fuzz
fuzz: ## Run every fuzz target for FUZZTIME each.
	hack/fuzz-all.sh $(FUZZTIME)

.PHONY: bench
bench: deps ## Run the benchmarks recorded in docs/BENCHMARKS.md.
	go test -run '^$$' -bench . -benchmem ./...

.PHONY: bench-operator
bench-operator: deps tools ## Run the operator at 10,000 GameRooms (SCALE_ROOMS, SCALE_IDLE, SCALE_WORKERS to change; SCALE_SETTLE=13m to measure its memory again once settled); minutes, not part of make test.
	go test -tags scale -run '^$$' -bench BenchmarkOperatorAtScale -benchtime 1x -timeout 30m ./test/scale/

.PHONY: bench-playable
bench-playable: deps tools ## Time 100 GameRooms applied at once until each is Ready and answered a join, beside floors (docs/BENCHMARKS.md); minutes, not part of make test.
	go test -run '^$$' -bench BenchmarkTimeToPlayable -benchtime 1x -timeout 20m ./test/playable/

.PHONY: bench-quickplay
bench-quickplay: deps tools ## Time quick play: 100 players at once with a warm pool of 60 and with none, beside floors (docs/BENCHMARKS.md); minutes, not part of make test.
	go test -run '^$$' -bench BenchmarkQuickPlay -benchtime 1x -timeout 20m ./test/quickplay/

SOAK_ROOMS ?= 50
SOAK_DURATION ?= 5m
SOAK_SEED ?= $(shell date +%s)

.PHONY: soak
soak: deps test-tools ## Play SOAK_ROOMS matches while faults hit every part for SOAK_DURATION (SOAK_SEED replays a run; docs/RELIABILITY.md); minutes, not part of make test.
	SOAK_ROOMS=$(SOAK_ROOMS) SOAK_DURATION=$(SOAK_DURATION) SOAK_SEED=$(SOAK_SEED) go test -count=1 -run '^TestSoak$$' -v -timeout 90m ./test/soak/ 2>&1 | grep -vE '^[IWE][0-9]{4} '

##@ Build and run

.PHONY: build
build: ## Build the croupier and croupier-gameserver binaries into bin/.
	go build -o $(BIN)/ . ./gameserver/cmd/croupier-gameserver

.PHONY: dev
dev: deps tools manifests build ## Run Croupier on the embedded local platform (no cluster needed).
	$(BIN)/croupier dev --assets $(K8S_BIN)

.PHONY: run
run: manifests generate ## Run the operator against the current kubeconfig (flags in ARGS, e.g. ARGS=--redis-addrs=host:6379).
	go run . operator $(ARGS)

.PHONY: install
install: manifests $(K8S_BIN)/kubectl ## Install the CRDs into the cluster of the current kubeconfig.
	$(K8S_BIN)/kubectl apply --server-side -f config/crd/bases

##@ Dependencies

.PHONY: deps
deps: ## Install the Debian packages the tests need (redis-server, chromium, chromium-driver) if missing.
	hack/install-deps.sh

.PHONY: tools
tools: test-tools $(K8S_BIN)/kubectl ## Build the pinned tools into bin/ (once per version).

# The tests need no kubectl; only people at a local platform do.
.PHONY: test-tools
test-tools: $(CONTROLLER_GEN) $(K8S_BIN)/kube-apiserver $(K8S_BIN)/etcd $(K8S_BIN)/kube-controller-manager $(HELM)

$(CONTROLLER_GEN):
	hack/build-tool.sh sigs.k8s.io/controller-tools/cmd/controller-gen $@
$(K8S_BIN)/kube-apiserver:
	hack/build-tool.sh k8s.io/kubernetes/cmd/kube-apiserver $@ "$(K8S_LDFLAGS)"
$(K8S_BIN)/kube-controller-manager:
	hack/build-tool.sh k8s.io/kubernetes/cmd/kube-controller-manager $@ "$(K8S_LDFLAGS)"
$(K8S_BIN)/kubectl:
	hack/build-tool.sh k8s.io/kubernetes/cmd/kubectl $@ "$(K8S_LDFLAGS)"
$(K8S_BIN)/etcd:
	hack/build-tool.sh go.etcd.io/etcd/server/v3 $@
$(HELM):
	hack/build-tool.sh helm.sh/helm/v3/cmd/helm $@ "$(HELM_LDFLAGS)"

##@ Image

# The image is built without a container engine (hack/tools/image): every
# time inside is the last commit's, so one commit gives one digest.
IMAGE_TAR ?= $(BIN)/croupier-image.tar
IMAGE_OCI ?= $(BIN)/croupier-image.oci
IMAGE_VERSION ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
IMAGE_REVISION ?= $(shell git rev-parse HEAD 2>/dev/null)
SOURCE_DATE_EPOCH ?= $(shell git log -1 --format=%ct 2>/dev/null || echo 0)
CA_CERTS ?= /etc/ssl/certs/ca-certificates.crt
IMAGE_GOARCH ?= $(shell go env GOARCH)
IMAGE_ENV := CROUPIER_IMAGE_TAR=$(IMAGE_TAR) CROUPIER_IMAGE_OCI=$(IMAGE_OCI) CROUPIER_IMAGE_TAG=$(IMG) CROUPIER_IMAGE_CA_CERTS=$(CA_CERTS)

.PHONY: image
image: ## Build the image IMG (linux/IMAGE_GOARCH) into bin/croupier-image.tar (docker or podman load) and bin/croupier-image.oci (OCI layout).
	@[[ -f $(CA_CERTS) ]] || hack/install-deps.sh
	go -C hack/tools/image run . -repo $(CURDIR) -tag $(IMG) -goarch $(IMAGE_GOARCH) -ca-certs $(CA_CERTS) -source-date-epoch $(SOURCE_DATE_EPOCH) -version $(IMAGE_VERSION) -revision "$(IMAGE_REVISION)" -tar $(IMAGE_TAR) -oci $(IMAGE_OCI)

.PHONY: image-check
image-check: image ## Check the image: non-root user, entrypoint, no shell, the binary runs, size, same digest when rebuilt.
	go -C hack/tools/image vet .
	$(IMAGE_ENV) go -C hack/tools/image test -count=1 -v .
