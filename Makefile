# The two commands a user needs: `make run` and `make test`. Everything else is here for operators.
SHELL := /bin/bash
MVN ?= mvn -B -ntp
JAR := target/nimble-kafka-worker.jar

.PHONY: build test run format clean

build: ## build the executable jar
	$(MVN) -DskipTests package

test: ## run the whole test suite (a real Kafka broker is started in-process)
	$(MVN) verify

format: ## rewrite sources in the project's format
	$(MVN) spotless:apply

clean:
	$(MVN) clean
