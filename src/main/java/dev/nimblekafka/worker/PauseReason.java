package dev.nimblekafka.worker;

import java.util.Locale;

/** Why the worker stopped fetching new requests. */
public enum PauseReason {
  /** The plan's concurrency is used and enough requests are queued. */
  CAPACITY,
  /** Nimble is failing; the circuit breaker is open. */
  CIRCUIT_OPEN,
  /** Nimble answered 401/403: the API key is wrong or the account blocked. */
  AUTH,
  /** Nimble answered 402: no budget, limit reached, or trial over. */
  BUDGET,
  /** The requests held take {@code MAX_PENDING_BYTES}, or the next one does not fit beside them. */
  MEMORY,
  /** The worker is shutting down. */
  DRAINING,
  /** Commits are failing: nothing new starts until one succeeds. */
  COMMIT_FAILING,
  /** The records written since the last commit reached their bound; the next commit frees it. */
  UNIT_FULL;

  public String code() {
    return name().toLowerCase(Locale.ROOT);
  }
}
