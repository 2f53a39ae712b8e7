package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.config.Topics;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.publish.Completion;
import dev.nimblekafka.publish.CrawlPage;
import dev.nimblekafka.publish.Failure;
import dev.nimblekafka.publish.OutcomeRecords;
import dev.nimblekafka.publish.RequestRecord;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.request.RequestHeaders;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.StateCodec;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.trace.RequestTracing;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import java.util.function.Function;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Ends a request: its result or failure goes to the output with the tombstone of its state record,
 * and the book forgets it, all in the unit of work the next commit makes durable together. Writes
 * the state record of a request recorded or created. Outcome meters move when their record commits,
 * so a unit written twice is counted once.
 */
final class OutcomeWriter {
  private static final Logger log = LoggerFactory.getLogger(OutcomeWriter.class);

  /**
   * How outcomes are written.
   *
   * @param maxResultBytes the configured cap on a result fetched inline
   * @param resultsUrl where a task's results can be downloaded
   */
  record Target(
      Topics topics,
      OutcomeRecords outcomes,
      long maxResultBytes,
      Function<String, String> resultsUrl,
      UnitOfWork unit) {}

  private final TaskBook book;
  private final RequestTracing tracing;
  private final Target target;
  private final StateCodec codec;
  private final ObjectMapper json;
  private final Clock clock;
  private final WorkerMetrics metrics;
  private final Ledger ledger;

  OutcomeWriter(
      TaskBook book,
      Target target,
      ObjectMapper json,
      Clock clock,
      WorkerMetrics metrics,
      RequestTracing tracing,
      Ledger ledger) {
    this.tracing = tracing;
    this.book = book;
    this.target = target;
    this.codec = new StateCodec(json);
    this.json = json;
    this.clock = clock;
    this.metrics = metrics;
    this.ledger = ledger;
  }

  /** The largest result fetched inline: the configured cap, and what fits the topic. */
  long resultLimit() {
    return Math.min(target.maxResultBytes(), target.outcomes().maxResultBytes());
  }

  /** Publishes a result: the body fetched, or where the request's storage holds it. */
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
            task.request().metadata(),
            body,
            location,
            storageType,
            outcomeHeaders(task),
            task.request().placement());
    Optional<ProducerRecord<byte[], byte[]>> record;
    try {
      record = target.outcomes().result(completion);
    } catch (IllegalArgumentException notJson) {
      fail(task, Stage.RESULTS, "INVALID_RESULT", "Nimble's result body is not valid JSON");
      return;
    }
    if (record.isEmpty()) {
      tooLarge(task, body == null ? 0 : body.length, target.resultsUrl().apply(task.taskId()));
      return;
    }
    long latency = now - task.completedAt();
    send(
        task.partition(),
        record.get(),
        () -> {
          metrics.outcome("results", "OK");
          metrics.completionToResult(Duration.ofMillis(latency));
        });
    RequestTracing.ended(tracing.of(task), task.taskId(), "OK");
    ledger.succeeded(task, body);
    finish(task);
    log.debug("Published the result of request {}", task.requestId());
  }

  void tooLarge(PendingTask task, long size, String url) {
    long limit = resultLimit();
    JsonNode details =
        json.createObjectNode()
            .put("results_url", url)
            .put("size_bytes", size)
            .put("limit_bytes", limit);
    fail(
        task,
        Stage.RESULTS,
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

  /** A cancel record ended a crawl request before its crawl was created: no call was made. */
  void canceledBeforeCreated(PendingTask task) {
    fail(
        task,
        Stage.SUBMIT,
        "CANCELED",
        "a cancel record ended the crawl request before its crawl was created");
  }

  void expire(PendingTask task, String why, Integer httpStatus) {
    fail(task, Stage.TASK, "TASK_EXPIRED", why, httpStatus, null);
  }

  /** Publishes what Nimble refused or reported about a request's task. */
  void fail(PendingTask task, Stage stage, NimbleException error, JsonNode details) {
    fail(task, stage, error.code(), error.getMessage(), error.httpStatus(), details);
  }

  void fail(PendingTask task, Stage stage, String code, String message) {
    fail(task, stage, code, message, null, null);
  }

  /** Publishes a failure for a request the worker holds, ending its state record. */
  void fail(
      PendingTask task,
      Stage stage,
      String code,
      String message,
      Integer status,
      JsonNode details) {
    publishFailure(
        new Failure(
            task.requestId(),
            false,
            task.taskId(),
            stage.code(),
            code,
            message,
            status == null || status == 0 ? null : status,
            details,
            task.attempts(),
            task.request().metadata(),
            source(task, outcomeHeaders(task)),
            NimbleException.class.getName(),
            task.request().placement()));
    RequestTracing.ended(tracing.of(task), task.taskId(), code);
    ledger.failed(task, code);
    finish(task);
  }

  /** Publishes a failure; for a request the worker holds, {@link #fail} also forgets it. */
  void publishFailure(Failure failure) {
    send(
        failure.source().partition(),
        target.outcomes().failure(failure, clock.instant()),
        () -> metrics.outcome("failures", failure.code()));
  }

  /** Writes the state record of a request whose task was just created, and counts the create. */
  void recordCreated(PendingTask task) {
    record(task);
    if (task.kind() != Kind.CRAWL) {
      ledger.created(task); // a crawl is no task: its pages are, counted as they are published
    }
  }

  /**
   * Publishes one page of a crawl and counts its task. The caller rewrites the crawl's state record
   * in the same unit of work, so the page is published once.
   *
   * @return false when the page's record would not fit the topic (nothing was written)
   */
  boolean publishPage(PendingTask task, CrawlPage page) {
    Optional<ProducerRecord<byte[], byte[]>> record = target.outcomes().page(page);
    if (record.isEmpty()) {
      return false;
    }
    String outcome = page.succeeded() ? "OK" : page.errorCode();
    send(task.partition(), record.get(), () -> metrics.crawlPage(outcome));
    ledger.page(task, page.result(), page.succeeded());
    return true;
  }

  /** Ends a crawl request with its summary: the request's one result. */
  void publishCrawlSummary(PendingTask task, byte[] summary) {
    long now = clock.millis();
    Completion completion =
        new Completion(
            task.requestId(),
            task.taskId(),
            task.kind().wire(),
            task.attempts(),
            task.submittedAt(),
            now,
            task.request().metadata(),
            summary,
            null,
            null,
            outcomeHeaders(task),
            task.request().placement());
    ProducerRecord<byte[], byte[]> record =
        target
            .outcomes()
            .result(completion)
            .orElseThrow(() -> new IllegalStateException("a crawl summary is always small"));
    send(task.partition(), record, () -> metrics.outcome("results", "OK"));
    RequestTracing.ended(tracing.of(task), task.taskId(), "OK");
    finish(task);
    log.debug("Published the summary of crawl request {}", task.requestId());
  }

  /** The request's headers as its outcomes and page records carry them. */
  RequestHeaders headersOf(PendingTask task) {
    return outcomeHeaders(task);
  }

  /** Writes (or rewrites) the request's state record: recorded, or with its current task. */
  void record(PendingTask task) {
    Topics topics = target.topics();
    send(
        task.partition(),
        OutcomeRecords.state(
            topics.state(),
            task.partition(),
            task.requestId(),
            codec.encode(task.toStored(topics.requests()))),
        null);
  }

  /** The request's headers, its {@code traceparent} naming its span when it is traced. */
  private RequestHeaders outcomeHeaders(PendingTask task) {
    return RequestTracing.outcomeHeaders(task.headers(), tracing.of(task));
  }

  private RequestRecord source(PendingTask task, RequestHeaders headers) {
    return new RequestRecord(
        target.topics().requests(),
        task.partition(),
        task.sourceOffset(),
        task.key(),
        task.value(),
        headers);
  }

  private void finish(PendingTask task) {
    send(
        task.partition(),
        OutcomeRecords.tombstone(target.topics().state(), task.partition(), task.requestId()),
        null);
    book.finish(task);
  }

  /** Adds a record to the unit of work; {@code onCommit} moves the meters once it commits. */
  private void send(int partition, ProducerRecord<byte[], byte[]> record, Runnable onCommit) {
    target.unit().send(partition, record, onCommit);
  }
}
