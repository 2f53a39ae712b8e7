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
