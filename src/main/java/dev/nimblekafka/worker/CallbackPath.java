package dev.nimblekafka.worker;

import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * The times of one callback's way to its result, for {@code nimble_worker_callback_path}: Nimble
 * finished the task (its {@code modified_at}, on Nimble's clock) → the callback received (the
 * endpoint, or the hints topic) → handled on the loop → the results call sent (after the rate
 * limit's wait) → answered → the result published. Each stage is recorded once the result is
 * published; a callback whose results call is retried times its last attempt.
 */
final class CallbackPath {
  /** The stages, in order: the tag values of {@code nimble_worker_callback_path}. */
  static final String DELIVERED = "delivered";

  static final String LOOP = "loop";
  static final String PACE = "pace";
  static final String CALL = "call";
  static final String BACK = "back";

  private final LongSupplier nanoTime;
  private final long received;
  private final long handled;
  private final long deliveredMillis;
  private volatile long sent;
  private volatile long answered;

  /**
   * @param received when the callback was received ({@code nanoTime})
   * @param finishedAt when Nimble says the task finished (epoch ms)
   * @param now the epoch ms now, as the callback is handled
   */
  CallbackPath(long received, long finishedAt, long now, LongSupplier nanoTime) {
    this.nanoTime = nanoTime;
    this.received = received;
    this.handled = nanoTime.getAsLong();
    this.deliveredMillis = now - (handled - received) / 1_000_000 - finishedAt;
  }

  /** The call's fence, noting when it is asked: right before the call goes out. */
  BooleanSupplier sending(BooleanSupplier live) {
    return () -> {
      sent = nanoTime.getAsLong();
      return live.getAsBoolean();
    };
  }

  /** The call's answer, noting when it came. */
  <T> CompletableFuture<T> answering(CompletableFuture<T> call) {
    return call.whenComplete((value, failure) -> answered = nanoTime.getAsLong());
  }

  /** The result is published: every stage is recorded. */
  void published(WorkerMetrics metrics) {
    long now = nanoTime.getAsLong();
    long out = sent == 0 ? handled : sent;
    long in = answered == 0 ? now : answered;
    metrics.callbackPath(DELIVERED, deliveredMillis * 1_000_000);
    metrics.callbackPath(LOOP, handled - received);
    metrics.callbackPath(PACE, out - handled);
    metrics.callbackPath(CALL, in - out);
    metrics.callbackPath(BACK, now - in);
  }
}
