package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.config.TaskConfig;
import dev.nimblekafka.config.Topics;
import dev.nimblekafka.nimble.NimbleClient;
import dev.nimblekafka.publish.Completion;
import dev.nimblekafka.publish.Failure;
import dev.nimblekafka.publish.OutcomeRecords;
import dev.nimblekafka.publish.Output;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.StateCodec;
import dev.nimblekafka.task.TaskPhase;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a request: its result or failure goes to the output with the tombstone of its state record,
 * its offset is settled, and the task is forgotten — all in the unit of work the next commit makes
 * durable together.
 */
final class OutcomeWriter {
  private static final Logger log = LoggerFactory.getLogger(OutcomeWriter.class);

  private final TaskBook book;
  private final TaskConfig config;
  private final Topics topics;
  private final OutcomeRecords outcomes;
  private final NimbleClient client;
  private final ObjectMapper json;
  private final Clock clock;
  private final WorkerMetrics metrics;
  private final Supplier<Output> output;
  private final StateCodec codec;

  OutcomeWriter(
      TaskBook book,
      TaskConfig config,
      Topics topics,
      OutcomeRecords outcomes,
      NimbleClient client,
      ObjectMapper json,
      Clock clock,
      WorkerMetrics metrics,
      Supplier<Output> output) {
    this.book = book;
    this.config = config;
    this.topics = topics;
    this.outcomes = outcomes;
    this.client = client;
    this.json = json;
    this.clock = clock;
    this.metrics = metrics;
    this.output = output;
    this.codec = new StateCodec(json);
  }

  /** The largest result fetched inline: the configured cap, and what fits the topic. */
  long resultLimit() {
    return Math.min(config.maxResultBytes(), outcomes.maxResultBytes());
  }

  void publishResult(PendingTask task, byte[] body, String location, String storageType) {
    long now = clock.millis();
    Completion completion =
        new Completion(
            task.requestId(),
            task.taskId(),
            task.kind().wire(),
            task.attempts(),
            task.submittedAt(),
            now,
            task.request(),
            body,
            location,
            storageType);
    var record = outcomesResult(task, completion);
    if (record == null) {
      return;
    }
    output.get().send(record);
    metrics.outcome("results", "OK");
    metrics.completionToResult(Duration.ofMillis(now - task.completedAt()));
    finish(task);
    log.debug("Published the result of request {}", task.requestId());
  }

  private org.apache.kafka.clients.producer.ProducerRecord<byte[], byte[]> outcomesResult(
      PendingTask task, Completion completion) {
    try {
      var record = outcomes.result(completion);
      if (record.isEmpty()) {
        long size = completion.result() == null ? 0 : completion.result().length;
        tooLarge(task, size, client.resultsUrl(task.taskId()));
        return null;
      }
      return record.get();
    } catch (IllegalArgumentException notJson) {
      fail(task, "results", "INVALID_RESULT", "Nimble's result body is not valid JSON", null, null);
      return null;
    }
  }

  void tooLarge(PendingTask task, long size, String url) {
    long limit = Math.min(config.maxResultBytes(), outcomes.maxResultBytes());
    JsonNode details =
        json.createObjectNode()
            .put("results_url", url)
            .put("size_bytes", size)
            .put("limit_bytes", limit);
    fail(
        task,
        "results",
        "RESULT_TOO_LARGE",
        "the result of task "
            + task.taskId()
            + " is larger than the limit of "
            + limit
            + " bytes; download it from "
            + url
            + " while Nimble retains it",
        null,
        details);
  }

  void expire(PendingTask task, String why, Integer httpStatus) {
    fail(task, "task", "TASK_EXPIRED", why, httpStatus, null);
  }

  /** Publishes a failure for a request the worker holds, ending its state record. */
  void fail(
      PendingTask task,
      String stage,
      String code,
      String message,
      Integer status,
      JsonNode details) {
    publishFailure(
        new Failure(
            task.requestId(),
            task.taskId(),
            stage,
            code,
            message,
            status == null || status == 0 ? null : status,
            details,
            task.attempts(),
            task.request(),
            topics.requests(),
            task.partition(),
            task.sourceOffset(),
            "dev.nimblekafka.nimble.NimbleException"));
    finish(task);
  }

  void publishFailure(Failure failure) {
    output.get().send(outcomes.failure(failure, clock.instant()));
    metrics.outcome("failures", failure.code());
  }

  /** Writes (or rewrites) the request's state record: queued, or with its current task. */
  void record(PendingTask task) {
    output
        .get()
        .send(
            OutcomeRecords.state(
                topics.state(),
                task.partition(),
                task.requestId(),
                codec.encode(task.toStored(topics.requests()))));
  }

  /** The outcome is written: end the state record, settle the offset, forget the task. */
  void finish(PendingTask task) {
    PartitionState state = book.partition(task.partition());
    output.get().send(OutcomeRecords.tombstone(topics.state(), task.partition(), task.requestId()));
    if (task.closeOffset()) {
      state.offsets.closed(task.sourceOffset());
    }
    book.move(task, TaskPhase.DONE);
    state.tasks.remove(task.requestId());
    if (task.taskId() != null) {
      state.byTaskId.remove(task.taskId());
    }
  }
}
