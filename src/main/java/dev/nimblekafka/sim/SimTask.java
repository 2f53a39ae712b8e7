package dev.nimblekafka.sim;

import dev.nimblekafka.wire.ApiVersion;
import java.util.concurrent.CompletableFuture;

/**
 * One simulated task. Kept small, as benchmarks hold 100,000 of them: the input is stored as
 * compact JSON text and the result is generated on demand, never stored.
 *
 * <p>Fields that change are volatile and written before {@link #phase}, so a reader that reads the
 * phase first sees the times and outcome that belong to it.
 */
final class SimTask {
  final String id;
  final long seq;
  final ApiType apiType;
  final String agent;

  /** The input as compact JSON (a Latin-1 string costs a byte per character). */
  final String input;

  final InputKey inputKey;
  final String batchId;
  final Delivery delivery;
  final long createdAt;
  final long durationMillis;
  final boolean fails;

  /** The API version the task was created under: its {@code status_url} uses the same. */
  final ApiVersion version;

  /** Completed when a synchronous call's task finishes; null for asynchronous tasks. */
  final CompletableFuture<SimTask> waiter;

  /** The latest earlier task with the same input, while it is held; see {@link TaskStore}. */
  volatile SimTask previousSameInput;

  private volatile Phase phase = Phase.QUEUED;
  private volatile long modifiedAt;
  private volatile long startedAt;
  private volatile long finishedAt;
  private volatile String outputUrl;
  private volatile String error;
  private volatile String errorType;

  SimTask(
      String id,
      long seq,
      ApiType apiType,
      String agent,
      String input,
      InputKey inputKey,
      String batchId,
      Delivery delivery,
      long createdAt,
      long durationMillis,
      boolean fails,
      boolean sync,
      ApiVersion version) {
    this.id = id;
    this.seq = seq;
    this.apiType = apiType;
    this.agent = agent;
    this.input = input;
    this.inputKey = inputKey;
    this.batchId = batchId;
    this.delivery = delivery;
    this.createdAt = createdAt;
    this.modifiedAt = createdAt;
    this.durationMillis = durationMillis;
    this.fails = fails;
    this.version = version;
    this.waiter = sync ? new CompletableFuture<>() : null;
  }

  Phase phase() {
    return phase;
  }

  long modifiedAt() {
    return modifiedAt;
  }

  long startedAt() {
    return startedAt;
  }

  long finishedAt() {
    return finishedAt;
  }

  String outputUrl() {
    return outputUrl;
  }

  String error() {
    return error;
  }

  String errorType() {
    return errorType;
  }

  /** Moves QUEUED to RUNNING (true) unless the task already left QUEUED (false). */
  synchronized boolean start(long now) {
    if (!move(Phase.QUEUED, Phase.RUNNING)) {
      return false;
    }
    startedAt = now;
    modifiedAt = now;
    phase = Phase.RUNNING;
    return true;
  }

  /** Moves QUEUED to EXPIRED (true) unless the task already left QUEUED (false). */
  synchronized boolean expire(long now) {
    if (!move(Phase.QUEUED, Phase.EXPIRED)) {
      return false;
    }
    modifiedAt = now;
    phase = Phase.EXPIRED;
    return true;
  }

  /**
   * Moves QUEUED to FAILED (true) with {@code message} and {@code type}, unless the task already
   * left QUEUED (false): a crawl page dropped by the crawl's cancel before it ran.
   */
  synchronized boolean cancel(long now, String message, String type) {
    if (!move(Phase.QUEUED, Phase.FAILED)) {
      return false;
    }
    error = message;
    errorType = type;
    finishedAt = now;
    modifiedAt = now;
    phase = Phase.FAILED;
    return true;
  }

  /** Moves RUNNING to COMPLETED, with the storage URL the result was written to (or null). */
  synchronized void complete(long now, String storedAt) {
    move(Phase.RUNNING, Phase.COMPLETED);
    outputUrl = storedAt;
    finishedAt = now;
    modifiedAt = now;
    phase = Phase.COMPLETED;
  }

  /** Moves RUNNING to FAILED with Nimble's {@code error} and {@code error_type}. */
  synchronized void fail(long now, String message, String type) {
    move(Phase.RUNNING, Phase.FAILED);
    error = message;
    errorType = type;
    finishedAt = now;
    modifiedAt = now;
    phase = Phase.FAILED;
  }

  /**
   * Checks a move: false if the task is not in {@code from} when the move allows that race (a
   * queued task can be started or expired by two threads), else throws for an illegal move.
   */
  private boolean move(Phase from, Phase to) {
    if (!from.canMoveTo(to)) {
      throw new IllegalStateException("illegal task transition " + from + " -> " + to);
    }
    if (phase == from) {
      return true;
    }
    if (from == Phase.QUEUED) {
      return false;
    }
    throw new IllegalStateException(
        "task " + id + " cannot move " + phase + " -> " + to + " (expected " + from + ")");
  }
}
