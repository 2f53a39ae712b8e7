# The two commands a user needs: `make run` and `make test`. Everything else is here for operators.
SHELL := /bin/bash
MVN ?= mvn -B -ntp
JAR := target/nimble-kafka-worker.jar

.PHONY: build test test-fast run format clean image image-check compose-config k8s-render bench

build: ## build the executable jar
	$(MVN) -q -DskipTests package

test: ## run the whole test suite (a real Kafka broker is started in-process)
	$(MVN) verify

# The tests that need no broker: the lifecycle on fakes with a manual clock, the task book, parsing,
# contracts and property tests, the client and the simulator over real HTTP.
test-fast: ## the tests that need no Kafka broker (a fraction of make test's time)
	$(MVN) verify -Dtest.excludedGroups=long,kafka

# Local by default: the broker of kafka-up. NKW_EXTERNAL_BOOTSTRAP=host:port names another one for
# `make run` and `make test`; an exported KAFKA_BOOTSTRAP_SERVERS is not used by either.
run: build $(if $(NKW_EXTERNAL_BOOTSTRAP),,kafka-up) ## run the product locally: Kafka broker + Nimble simulator + worker, with the examples
	@deploy/local/run.sh

# Benchmark (docs/benchmarks.md): broker (reused or started) + simulator JVM + worker JVM(s) per
# run, at Nimble's documented 83 calls/s; the single-pod headline scenarios also run Nimble's
# recommended loop for comparison, three-pods* run three worker pods on one key (about 22 min).
# make bench [SCENARIOS=pro-2s,three-pods] [BENCH_ARGS="--scale 0.1"]; results in bench-results/.
# make bench BENCH_ARGS=--publish-docs also copies the chart to docs/bench-throughput.png.
SCENARIOS ?=
BENCH_ARGS ?=
bench: build ## run the benchmark scenarios; writes bench-results/<stamp>.json, .md and -throughput.png
	@java -Xmx512m -Djava.awt.headless=true -cp target/test-classes:$(JAR) dev.nimblekafka.bench.Bench \
	  $(if $(SCENARIOS),--scenarios $(SCENARIOS)) $(BENCH_ARGS)

# The chaos suite: its own broker on free ports (a `make kafka-up` broker is left alone), the
# simulator and three worker JVMs from the jar, 10,000 requests under a seeded fault schedule.
# Exit 1 on a lost, duplicated or wrong outcome. Options: make chaos CHAOS_ARGS="--seed N --help".
# One hostile scenario: make chaos CHAOS_ARGS="--scenario reused-ids" (docs/chaos.md lists them).
CHAOS_ARGS ?=
.PHONY: chaos chaos-hostile chaos-crawl
chaos: build ## chaos suite (about 6 min): SIGKILLs, a broker restart, Nimble faults; writes docs/chaos-results.md
	@$(MVN) -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile=target/chaos.classpath >/dev/null
	@java -Xmx512m -cp "target/test-classes:target/classes:$$(cat target/chaos.classpath)" \
	  dev.nimblekafka.chaos.ChaosDriver $(CHAOS_ARGS)

chaos-hostile: ## the eight hostile chaos scenarios, one after the other (about 40 min); sections of docs/chaos-results.md
	@$(MAKE) --no-print-directory chaos CHAOS_ARGS="--scenario all-hostile $(CHAOS_ARGS)"

chaos-crawl: ## one crawl of 5,000 pages across three worker SIGKILLs and a broker restart (about 4 min)
	@$(MAKE) --no-print-directory chaos CHAOS_ARGS="--scenario crawl $(CHAOS_ARGS)"

format: ## rewrite sources in the project's format
	$(MVN) spotless:apply

clean:
	$(MVN) clean

# ---- packaging and deployment (deploy/, docker-compose.yml) ----
IMAGE ?= nimble-kafka-worker:dev
VERSION ?= $(shell sed -n "s:^  <version>\(.*\)</version>$$:\1:p" pom.xml | head -1)
# Renders a kustomization directory: standalone kustomize if present, else kubectl's built-in one.
KUSTOMIZE := $(shell if command -v kustomize >/dev/null 2>&1; then echo "kustomize build"; elif command -v kubectl >/dev/null 2>&1; then echo "kubectl kustomize"; fi)

# The image is built by Jib (pom.xml) without a Docker engine, into target/jib-image.tar, named
# $(IMAGE). It needs the base image (pom.xml's image.base, pinned by digest) from its registry, or a
# local copy: make image IMAGE_BASE=tar:///path/to/base.tar (a `docker save` tarball). Then
# `docker load -i target/jib-image.tar`, `podman load -i ...`, or `crane push target/jib-image.tar
# registry.example.com/nimble-kafka-worker:$(VERSION)`.
IMAGE_BASE ?=
image: ## build the container image $(IMAGE) as target/jib-image.tar with Jib (no Docker engine needed)
	$(MVN) -DskipTests package jib:buildTar \
	  -Djib.to.image=$(IMAGE) \
	  -Dimage.revision=$$(git rev-parse HEAD 2>/dev/null || echo unknown) \
	  $(if $(IMAGE_BASE),-Dimage.base=$(IMAGE_BASE))
	@echo "image $(IMAGE): target/jib-image.tar (docker load -i target/jib-image.tar, or crane push)"

# No registry needed: the base is made from Debian's packages (deploy/docker/debian-jre-base.sh).
image-check: ## build the image on a base made from Debian's packages, check its config and files, run its entrypoint
	@deploy/docker/image-check.sh

# CALLBACK_SECRET has no default in docker-compose.yml; a stand-in lets the file be checked without one
compose-config: ## validate docker-compose.yml (docker compose or docker-compose; no engine needed)
	@export CALLBACK_SECRET="$${CALLBACK_SECRET:-compose-config-stand-in}"; \
	if docker compose version >/dev/null 2>&1; then docker compose config -q; \
	elif command -v docker-compose >/dev/null 2>&1; then docker-compose config -q; \
	else echo "make compose-config: neither 'docker compose' nor 'docker-compose' is installed (Debian: apt-get install docker-compose)" >&2; exit 1; fi
	@echo "docker-compose.yml is valid"

# Each component is rendered on top of the base through a kustomization written to target/k8s-render/.
K8S_COMPONENTS := $(notdir $(wildcard deploy/k8s/components/*))
k8s-render: ## print the rendered Kustomize base, the HPA and Strimzi overlays, and the base with each component
	@test -n "$(KUSTOMIZE)" || { echo "make k8s-render: needs kustomize or kubectl on the PATH" >&2; exit 1; }
	@echo "# ---- deploy/k8s ($(KUSTOMIZE))"
	@$(KUSTOMIZE) deploy/k8s
	@echo "# ---- deploy/k8s/overlays/hpa ($(KUSTOMIZE))"
	@$(KUSTOMIZE) deploy/k8s/overlays/hpa
	@echo "# ---- deploy/k8s/overlays/strimzi ($(KUSTOMIZE))"
	@$(KUSTOMIZE) deploy/k8s/overlays/strimzi
	@for c in $(K8S_COMPONENTS); do \
	  dir=target/k8s-render/$$c; mkdir -p $$dir; \
	  printf 'apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n  - ../../../deploy/k8s/base\ncomponents:\n  - ../../../deploy/k8s/components/%s\n' $$c > $$dir/kustomization.yaml; \
	  echo "# ---- deploy/k8s/base + components/$$c ($(KUSTOMIZE))"; \
	  $(KUSTOMIZE) $$dir || exit 1; \
	done

# Local Kafka: a single-node KRaft broker in its own JVM, built from Apache Kafka's Maven artifacts
# (no container). State in .local/kafka/ (data kept between runs). Ports: KAFKA_PORT (9092),
# KAFKA_CONTROLLER_PORT (9093); KAFKA_SASL_PORT adds a SASL/PLAIN listener.
KAFKA_SH := deploy/local-kafka/kafka.sh
.PHONY: kafka-up kafka-down kafka-status kafka-topics kafka-create-topic kafka-selftest

kafka-up: ## start the local Kafka broker on 127.0.0.1:9092 and wait until it answers
	@$(KAFKA_SH) up

kafka-down: ## stop the local Kafka broker (its data stays in .local/kafka/data)
	@$(KAFKA_SH) down

kafka-status: ## say whether the local Kafka broker runs and answers
	@$(KAFKA_SH) status

kafka-topics: ## list the local Kafka broker's topics
	@$(KAFKA_SH) topics

kafka-create-topic: ## create a topic on the local broker: make kafka-create-topic TOPIC=name [PARTITIONS=3]
	@$(KAFKA_SH) create-topic "$(TOPIC)" "$(or $(PARTITIONS),1)"

kafka-selftest: ## on spare ports: up/down twice, and a topic survives the restart
	@deploy/local-kafka/selftest.sh

# The launcher (src/main/dist/nimble-kafka-worker) and the jar, so that the commands run as the
# help prints them: nimble-kafka-worker submit FILE --wait.
PREFIX ?= $(HOME)/.local
.PHONY: install
install: build ## install the launcher as $(PREFIX)/bin/nimble-kafka-worker and the jar in $(PREFIX)/lib/nimble-kafka-worker/
	install -d "$(PREFIX)/bin" "$(PREFIX)/lib/nimble-kafka-worker"
	install -m 644 $(JAR) "$(PREFIX)/lib/nimble-kafka-worker/nimble-kafka-worker.jar"
	install -m 755 src/main/dist/nimble-kafka-worker "$(PREFIX)/bin/nimble-kafka-worker"
	@echo "installed $(PREFIX)/bin/nimble-kafka-worker; make sure $(PREFIX)/bin is on your PATH"
