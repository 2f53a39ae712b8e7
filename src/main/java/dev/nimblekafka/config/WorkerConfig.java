package dev.nimblekafka.config;

import dev.nimblekafka.nimble.NimbleClientSettings;
import dev.nimblekafka.nimble.ResilienceSettings;
import dev.nimblekafka.request.AllowedDestinations;
import java.time.Duration;

/**
 * Everything the worker is configured with, loaded and checked once at start-up by {@link
 * ConfigLoader}.
 *
 * @param kafka the Kafka side
 * @param topics topic names
 * @param nimble how to reach Nimble
 * @param resilience rate limit, retry and circuit breaker
 * @param tasks pending-task tracking
 * @param key the key's plan and bulk reads, shared by the fleet
 * @param callbacks push completion through Nimble's callbacks
 * @param destinations where a request may have Nimble call back or write its result
 * @param tenants how tenants share the key
 * @param ledger the usage ledger: where it is written, and the prices it estimates costs with
 * @param batch batch submission
 * @param outcomes Schema Registry framing and CloudEvents headers of the outcomes
 * @param httpPort port of the callback endpoint, bound when callbacks are on (0 picks a free one)
 * @param adminPort port of the health and metrics endpoints (0 picks a free one)
 * @param loopStallLimit how long the consume loop may go without a turn before liveness fails
 * @param shutdownGrace how long a SIGTERM drain may take
 */
public record WorkerConfig(
    KafkaConfig kafka,
    Topics topics,
    NimbleClientSettings nimble,
    ResilienceSettings resilience,
    TaskConfig tasks,
    KeyConfig key,
    CallbackConfig callbacks,
    AllowedDestinations destinations,
    TenantConfig tenants,
    LedgerConfig ledger,
    BatchConfig batch,
    OutcomeConfig outcomes,
    int httpPort,
    int adminPort,
    Duration loopStallLimit,
    Duration shutdownGrace) {}
