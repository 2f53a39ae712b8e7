package dev.nimblekafka.nimble;

/**
 * {@code GET /v1/batches/{id}/progress}.
 *
 * @param id the batch id
 * @param completed whether every task of the batch ended
 * @param completedCount how many ended
 * @param progress fraction done, 0 to 1
 */
public record BatchProgress(String id, boolean completed, long completedCount, double progress) {}
