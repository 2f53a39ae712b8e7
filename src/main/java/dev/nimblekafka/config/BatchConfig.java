package dev.nimblekafka.config;

import java.time.Duration;

/**
 * Submitting several waiting requests with one {@code POST /v1/extract/batch} or {@code
 * /v1/agents/batch}.
 *
 * @param enabled whether to batch at all
 * @param maxSize most requests per batch (Nimble allows 1000)
 * @param linger how long a request waits, at least, for others to share its batch
 * @param maxLinger how long a request may wait for others while Nimble has enough work queued
 */
public record BatchConfig(boolean enabled, int maxSize, Duration linger, Duration maxLinger) {}
