# Aegis: build, test, proto and devnet targets. Everything the targets need is fetched by them
# (Go modules through the module proxy); the only prerequisite is Go 1.26.

BINDIR      ?= $(CURDIR)/build
VERSION     ?= $(shell git describe --tags --always --dirty 2>/dev/null || echo dev)
COMMIT      ?= $(shell git rev-parse HEAD 2>/dev/null)
LDFLAGS     := -X github.com/cosmos/cosmos-sdk/version.Name=aegis \
               -X github.com/cosmos/cosmos-sdk/version.AppName=aegisd \
               -X github.com/cosmos/cosmos-sdk/version.Version=$(VERSION) \
               -X github.com/cosmos/cosmos-sdk/version.Commit=$(COMMIT)
# -trimpath: errors and stack traces name module paths, not this machine's directories.
BUILD_FLAGS := -trimpath -ldflags '$(LDFLAGS)'

.PHONY: all build install test test-unit test-system soak test-localnet-ci test-fuzz sim sim-short bench lint fmt proto-gen proto-check openapi ts-gen ts-check test-ts devnet devnet-reset devnet-detach devnet-stop localnet localnet-stop localnet-status netnet netnet-stop netnet-status test-netnet test-netnet-ci clean

all: build

build:
	go build $(BUILD_FLAGS) -o $(BINDIR)/aegisd ./cmd/aegisd
	go build -trimpath -o $(BINDIR)/aegis-node ./cmd/aegis-node

install:
	go install $(BUILD_FLAGS) ./cmd/aegisd
	go install -trimpath ./cmd/aegis-node

# The CI test command: vet + format check, every unit/integration test, and the system
# journey against the real binary.
test: lint
	go test -count=1 -timeout 20m ./...

test-unit:
	go test -count=1 -short ./...

# The system tests on real binaries: single-node journeys, and (build tag localnet) the
# journeys and faults of a four-validator localnet. test-localnet-ci is the part CI runs:
# the resource-node journey and a validator killed in a day tick.
test-system:
	go test -count=1 -timeout 40m -tags localnet -run 'System|Localnet' ./tests/system/...

# The endurance run (tests/system/soak_test.go, about 65 minutes): the localnet under steady
# mixed load for SOAK_DURATION (60m) of 20-second days; memory, goroutines and block times
# sampled, written with a plot and each node's heap profiles (after the warm-up, at the end)
# to build/soak; a passing run's summary and plot are copied to docs/soak, which
# docs/performance.md ("Soak") shows.
soak: build
	go test -count=1 -timeout 120m -tags 'localnet soak' -run '^TestSoak$$' ./tests/system/ -v
	mkdir -p docs/soak && cp build/soak/summary.json build/soak/soak.svg docs/soak/

test-localnet-ci:
	go test -count=1 -timeout 15m -tags localnet -short -run '^TestLocalnet$$' ./tests/system/...

# The network faults on make netnet's hosts (tests/system/netnet_test.go; root): latency and
# loss for 5 minutes, partitions 2|2 and 3|1, a flapping link, and (a net with challenges
# on) a resource node's link down through its challenge window (about 20 minutes).
# test-netnet-ci is the part CI runs: 45 s of latency and loss, and a 2|2 split of 25 s.
NETNET_TOOLS = command -v ip >/dev/null || { apt-get update -qq && apt-get install -y -qq iproute2; }
test-netnet: build
	$(NETNET_TOOLS)
	go build -o $(BINDIR)/netlab ./tools/netlab
	go test -count=1 -timeout 40m -tags localnet -run '^TestNetnet' ./tests/system/ -v

test-netnet-ci: build
	$(NETNET_TOOLS)
	go build -o $(BINDIR)/netlab ./tools/netlab
	go test -count=1 -timeout 15m -tags localnet -short -run '^TestNetnet$$' ./tests/system/ -v

# Each fuzz target for FUZZTIME (go test -fuzz runs one target at a time). Their seed
# corpora already run in make test.
FUZZTIME ?= 60s
test-fuzz:
	@set -e; for t in $$(grep -rhoE '^func Fuzz[A-Za-z0-9_]+' --include='*_test.go' . | sed 's/^func //'); do \
	  pkg=$$(dirname $$(grep -rlE "^func $$t\(" --include='*_test.go' .)); \
	  echo "== $$t ($$pkg, $(FUZZTIME))"; \
	  go test -run '^$$' -fuzz "^$$t\$$" -fuzztime $(FUZZTIME) ./$$pkg; \
	done

# The app simulation (app/sim_test.go, build tag sims): random genesis and operations for
# every module, every invariant and the supply identity checked after every block, export →
# import store equality, a second simulation booted from a zero-height export, and identical
# app hashes across runs of a seed. make sim is the long run (35 minutes, 2 GB at most on 2
# cores with TestFullAppSimulation, which it now leaves out: TestAppImportExport runs the same
# simulation of each seed); make sim-short fits in CI (.ci/run runs it). make sim keeps its
# stores in goleveldb: in memory, 500 blocks of IAVL versions would stay in the heap.
# SIM_PPROF=127.0.0.1:6060 serves pprof while it runs.
SIM_TESTS      := TestFullAppSimulation|TestAppImportExport|TestAppSimulationAfterImport|TestAppStateDeterminism
SIM_LONG_TESTS := TestAppImportExport|TestAppSimulationAfterImport|TestAppStateDeterminism
SIM_SEEDS      ?= 2,13,15,20,36
SIM_BLOCKS     ?= 500
SIM_BLOCK_SIZE ?= 100
sim:
	go test -tags sims -count=1 -timeout 6h -run '$(SIM_LONG_TESTS)' ./app -v \
	  -Seeds=$(SIM_SEEDS) -NumBlocks=$(SIM_BLOCKS) -BlockSize=$(SIM_BLOCK_SIZE) -DBBackend=goleveldb

sim-short:
	go test -tags sims -count=1 -timeout 30m -run '$(SIM_TESTS)' ./app \
	  -Seeds=2,20,30 -NumBlocks=50 -BlockSize=50

# The performance run (scripts/bench.sh, about 25 minutes): the x/por, x/emission and x/license
# benchmarks, the full-scale network (tools/fullscale, if present), tx throughput and query
# latency on a chain of its own (tools/load), then docs/performance.md regenerated from the
# results in build/bench/. Run it on a quiet machine.
bench:
	bash scripts/bench.sh

lint:
	go vet ./...
	go vet -tags sims ./app
	@out=$$(gofmt -l $$(git ls-files '*.go')); \
	if [ -n "$$out" ]; then echo "gofmt needed on:"; echo "$$out"; exit 1; fi

fmt:
	gofmt -w $$(git ls-files '*.go')

proto-gen:
	bash scripts/protocgen.sh

# Fails if the generated Go code or the OpenAPI document is stale (fix: make openapi,
# which also runs proto-gen).
proto-check:
	bash scripts/protocheck.sh

# The OpenAPI document aegisd serves at /swagger/ (client/openapi/openapi.yaml): the
# routes are probed from the compiled app, so the Go code is regenerated first.
openapi: proto-gen
	bash scripts/openapigen.sh

# The TypeScript client (clients/ts): ts-gen regenerates its types from the protos with the
# pinned ts-proto, ts-check proves the committed ones current, test-ts (in CI) makes sure of
# Node.js >= 20.19 and npm (scripts/ensure-node.sh), then checks, builds and tests the package -
# unit tests and an end-to-end run (typed queries, signed report, exact claim, accounts created
# after genesis signing both ways) against its own devnet on free ports.
ts-gen:
	bash scripts/tsgen.sh gen

ts-check:
	bash scripts/tsgen.sh check

test-ts:
	bash scripts/ensure-node.sh
	cd clients/ts && npm ci --no-audit --no-fund --loglevel=error
	bash scripts/tsgen.sh check
	cd clients/ts && npm run -s build && npm test

devnet:
	bash scripts/devnet.sh

devnet-reset:
	bash scripts/devnet.sh --reset

devnet-detach:
	bash scripts/devnet.sh --detach

devnet-stop:
	bash scripts/devnet.sh --stop

# Four validators and a full node as separate aegisd processes, plus resource nodes run by
# aegis-node, in ./.localnet (scripts/localnet.sh --help).
localnet:
	bash scripts/localnet.sh start

localnet-stop:
	bash scripts/localnet.sh stop

localnet-status:
	bash scripts/localnet.sh status

# The same network with every process on a host of its own: a Linux network namespace with
# its own address, joined by tools/netlab's switch (latency, loss, partitions), in ./.netnet.
# Needs root. netnet-stop also removes namespaces a failed run left.
NETNET = LOCALNET_NETNS=1 LOCALNET_HOME=$(CURDIR)/.netnet
netnet:
	$(NETNET) bash scripts/localnet.sh start

netnet-stop:
	$(NETNET) bash scripts/localnet.sh stop

netnet-status:
	$(NETNET) bash scripts/localnet.sh status

clean:
	rm -rf $(BINDIR)
