package dev.nimblekafka.worker;

import dev.nimblekafka.fleet.KeyShare;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.task.PollPolicy;
import dev.nimblekafka.task.TaskBook;
import java.time.Clock;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Function;

/**
 * What every step of the request lifecycle works with, on the consume loop's thread.
 *
 * @param book the one owner of the requests held and their phases
 * @param nimble the calls to Nimble
 * @param writer where outcomes and state records go
 * @param policy when tasks are checked next
 * @param share this pod's part of the key's limits now
 * @param events where HTTP answers come back to the loop
 * @param ownership which partitions calls may still go out for
 */
record TaskContext(
    TaskBook book,
    NimbleCalls nimble,
    OutcomeWriter writer,
    PollPolicy policy,
    KeyShare share,
    Clock clock,
    WorkerMetrics metrics,
    Queue<LoopEvent> events,
    Ownership ownership) {

  /**
   * Hands a call's answer back to the loop: times it under {@code operation}, then queues the event
   * made from the answer or from the classified failure. Runs on the HTTP client's thread.
   */
  <T> void answer(
      String operation,
      CompletableFuture<T> call,
      Function<T, LoopEvent> answered,
      Function<NimbleException, LoopEvent> failed) {
    long started = System.nanoTime();
    call.whenComplete(
        (value, failure) -> {
          metrics.call(operation, WorkerMetrics.outcomeOf(failure), System.nanoTime() - started);
          events.add(
              failure == null ? answered.apply(value) : failed.apply(NimbleException.of(failure)));
        });
  }
}
