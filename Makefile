# The two commands a user needs: `make run` and `make test`. Everything else is here for operators.
SHELL := /bin/bash
MVN ?= mvn -B -ntp
JAR := target/nimble-kafka-worker.jar

.PHONY: build test run format clean image compose-config k8s-render

build: ## build the executable jar
	$(MVN) -DskipTests package

test: ## run the whole test suite (a real Kafka broker is started in-process)
	$(MVN) verify

format: ## rewrite sources in the project's format
	$(MVN) spotless:apply

clean:
	$(MVN) clean

# ---- packaging and deployment (deploy/, docker-compose.yml) ----
IMAGE ?= nimble-kafka-worker:dev
# Renders a kustomization directory: standalone kustomize if present, else kubectl's built-in one.
KUSTOMIZE := $(shell if command -v kustomize >/dev/null 2>&1; then echo "kustomize build"; elif command -v kubectl >/dev/null 2>&1; then echo "kubectl kustomize"; fi)

image: ## build the container image $(IMAGE) from deploy/docker/Dockerfile (needs a Docker engine)
	@docker info >/dev/null 2>&1 || { echo "make image: no Docker engine (docker info failed); the image cannot be built on this machine" >&2; exit 1; }
	docker build -f deploy/docker/Dockerfile -t $(IMAGE) .

compose-config: ## validate docker-compose.yml (docker compose or docker-compose; no engine needed)
	@if docker compose version >/dev/null 2>&1; then docker compose config -q; \
	elif command -v docker-compose >/dev/null 2>&1; then docker-compose config -q; \
	else echo "make compose-config: neither 'docker compose' nor 'docker-compose' is installed (Debian: apt-get install docker-compose)" >&2; exit 1; fi
	@echo "docker-compose.yml is valid"

k8s-render: ## print the rendered Kustomize base (deploy/k8s) and HPA overlay (deploy/k8s/overlays/hpa)
	@test -n "$(KUSTOMIZE)" || { echo "make k8s-render: needs kustomize or kubectl on the PATH" >&2; exit 1; }
	@echo "# ---- deploy/k8s ($(KUSTOMIZE))"
	@$(KUSTOMIZE) deploy/k8s
	@echo "# ---- deploy/k8s/overlays/hpa ($(KUSTOMIZE))"
	@$(KUSTOMIZE) deploy/k8s/overlays/hpa
