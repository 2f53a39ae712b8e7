package dev.nimblekafka.config;

import java.time.Duration;

/**
 * Submitting several waiting requests with one {@code POST /v1/extract/batch} or {@code
 * /v1/agents/batch}.
 *
 * @param enabled whether to batch at all
 * @param maxSize most requests per batch (Nimble allows 1000)
 * @param linger how long a lone request may wait for others to share its batch
 */
public record BatchConfig(boolean enabled, int maxSize, Duration linger) {}
