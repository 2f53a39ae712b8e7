package dev.nimblekafka.nimble;

/**
 * The body of {@code GET /v1/tasks/{id}/results}, kept as the raw JSON bytes Nimble sent so a large
 * result is never parsed into a tree, or the fact that it was larger than the caller's limit.
 *
 * @param body the raw JSON, or null when too large
 * @param size the size in bytes (at least the limit when too large)
 * @param url the address the result can be downloaded from while Nimble retains it
 */
public record TaskResults(byte[] body, long size, String url) {

  public boolean tooLarge() {
    return body == null;
  }
}
