package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.time.Clock;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a task whose time has come: fails it (the failure rate chose so at creation), or writes its
 * result to storage if asked and completes it. Then counts the outcome, wakes a synchronous caller
 * and sends the callback. Storage is written before the task says completed, so a client that sees
 * {@code output_url} can read the object.
 */
final class TaskFinisher {
  private static final Logger log = LoggerFactory.getLogger(TaskFinisher.class);

  /** Failures a task can end with: {@code error} and {@code error_type}. */
  private static final String[][] FAILURES = {
    {"Connection timeout", "timeout_error"},
    {"Target responded with status 403", "blocked_error"},
    {"Page failed to load", "navigation_error"}
  };

  private final Clock clock;
  private final ResultFactory results;
  private final StorageWriter storage;
  private final Executor storageExecutor;
  private final CallbackSender callbacks;
  private final StatsRecorder stats;

  TaskFinisher(
      Clock clock,
      ResultFactory results,
      StorageWriter storage,
      Executor storageExecutor,
      CallbackSender callbacks,
      StatsRecorder stats) {
    this.clock = clock;
    this.results = results;
    this.storage = storage;
    this.storageExecutor = storageExecutor;
    this.callbacks = callbacks;
    this.stats = stats;
  }

  CompletionStage<Void> finish(SimTask task) {
    if (task.fails) {
      String[] failure = FAILURES[ThreadLocalRandom.current().nextInt(FAILURES.length)];
      task.fail(clock.millis(), failure[0], failure[1]);
      ended(task);
      return CompletableFuture.completedFuture(null);
    }
    if (task.delivery != null && task.delivery.stores()) {
      return CompletableFuture.runAsync(() -> store(task), storageExecutor);
    }
    task.complete(clock.millis(), null);
    ended(task);
    return CompletableFuture.completedFuture(null);
  }

  private void store(SimTask task) {
    long now = clock.millis();
    try {
      String url = storage.write(task, results.render(task, now));
      stats.storageWrites.increment();
      task.complete(now, url);
    } catch (IOException | RuntimeException e) {
      log.warn("writing the result of task {} to storage failed: {}", task.id, e.toString());
      task.fail(now, "Could not write the result to storage", "storage_error");
    }
    ended(task);
  }

  private void ended(SimTask task) {
    if (task.phase() == Phase.COMPLETED) {
      stats.tasksCompleted.increment();
      JsonNode input = Json.read(task.input);
      stats.completed(ResultFactory.host(task, input), ResultFactory.driver(task, input));
    } else {
      stats.tasksFailed.increment();
    }
    if (task.waiter != null) {
      task.waiter.complete(task);
    }
    if (task.delivery != null && task.delivery.callbackUrl() != null) {
      callbacks.send(task);
    }
  }
}
