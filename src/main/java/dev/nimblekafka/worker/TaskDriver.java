package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.callback.CallbackHint;
import dev.nimblekafka.config.BatchConfig;
import dev.nimblekafka.config.CallbackConfig;
import dev.nimblekafka.config.TaskConfig;
import dev.nimblekafka.config.Topics;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.NimbleGateway;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskResults;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.publish.Failure;
import dev.nimblekafka.publish.OutcomeRecords;
import dev.nimblekafka.publish.Output;
import dev.nimblekafka.request.ExtractionRequest;
import dev.nimblekafka.request.ParseResult;
import dev.nimblekafka.request.RequestError;
import dev.nimblekafka.request.RequestParser;
import dev.nimblekafka.request.StorageDelivery;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.PollSchedule;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.task.TaskPhase;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Collection;
import java.util.Queue;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The request lifecycle, driven by the consume loop's thread: admit consumed records, have the
 * {@link Submitter} create their tasks, check the tasks on a schedule (or at a callback's hint),
 * fetch results, and have the {@link OutcomeWriter} publish each outcome. HTTP answers come back as
 * {@link LoopEvent}s; nothing here blocks.
 */
final class TaskDriver {
  private static final Logger log = LoggerFactory.getLogger(TaskDriver.class);

  /** Room a state record needs besides the request it carries (ids, times, envelope). */
  static final int STATE_RECORD_ALLOWANCE = 2_048;

  private final TaskConfig config;
  private final CallbackConfig callbacks;
  private final Topics topics;
  private final NimbleGateway nimble;
  private final RequestParser parser;
  private final PollSchedule schedule;
  private final ObjectMapper json;
  private final Clock clock;
  private final WorkerMetrics metrics;
  private final Queue<LoopEvent> events;
  private final TaskBook book;
  private final OutcomeWriter writer;
  private final Submitter submitter;

  /** Status checks and result fetches in flight at most: about a second of the QPS budget. */
  private final int maxReadsInFlight;

  private int readsInFlight;
  private final int maxRequestBytes;

  TaskDriver(
      TaskConfig config,
      Topics topics,
      NimbleGateway nimble,
      ObjectMapper json,
      OutcomeRecords outcomes,
      PollSchedule schedule,
      Clock clock,
      WorkerMetrics metrics,
      Queue<LoopEvent> events,
      Supplier<Output> output,
      int callsPerSecond,
      CallbackConfig callbacks,
      BatchConfig batch,
      int maxRequestBytes) {
    this.maxRequestBytes = maxRequestBytes;
    this.config = config;
    this.callbacks = callbacks;
    this.topics = topics;
    this.nimble = nimble;
    this.json = json;
    this.parser = new RequestParser(json);
    this.schedule = schedule;
    this.clock = clock;
    this.metrics = metrics;
    this.events = events;
    this.book = new TaskBook(metrics);
    this.writer =
        new OutcomeWriter(
            book, config, topics, outcomes, nimble.client(), json, clock, metrics, output);
    this.submitter =
        new Submitter(
            book,
            config,
            batch,
            callbacks,
            topics,
            nimble,
            json,
            schedule,
            clock,
            metrics,
            events,
            output,
            writer,
            callsPerSecond);
    this.maxReadsInFlight = Math.max(8, callsPerSecond);
  }

  // ---- partitions -------------------------------------------------------------------------

  PartitionState add(int partition, long epoch) {
    return book.add(partition, epoch);
  }

  PartitionState partition(int partition) {
    return book.partition(partition);
  }

  Collection<PartitionState> partitions() {
    return book.partitions();
  }

  /** Forgets a partition: its tasks belong to the next owner now. */
  void drop(int partition) {
    book.drop(partition);
  }

  /** Submissions still in flight for a partition (waited for before it is given away). */
  int submittingIn(int partition) {
    return book.submittingIn(partition);
  }

  int submissionsInFlight() {
    return submitter.submissionsInFlight();
  }

  /** Submissions a crash now would lose track of (in flight, or recorded but not committed). */
  int atRisk() {
    return submitter.atRisk();
  }

  void committed() {
    submitter.committed();
  }

  /** Why submissions are held back, if they are (for pausing and for health). */
  PauseReason submitBlock() {
    return submitter.submitBlock();
  }

  String accessDetail() {
    return submitter.accessDetail();
  }

  void admit(ConsumerRecord<byte[], byte[]> record) {
    metrics.consumed();
    PartitionState state = book.partition(record.partition());
    if (state == null) {
      return;
    }
    try (MdcScope mdc = MdcScope.of(record)) {
      ParseResult parsed =
          parser.parse(record.topic(), record.partition(), record.offset(), record.value());
      if (parsed instanceof ParseResult.Valid valid && record.value().length > maxRequestBytes) {
        ExtractionRequest request = valid.request();
        parsed =
            new ParseResult.Invalid(
                new RequestError(
                    request.requestId(),
                    "validate",
                    "LIMIT_EXCEEDED",
                    "the request must be at most "
                        + maxRequestBytes
                        + " bytes to fit the state topic but has "
                        + record.value().length,
                    "request",
                    maxRequestBytes,
                    request.metadata()));
      }
      if (parsed instanceof ParseResult.Invalid invalid) {
        state.offsets.skipped(record.offset());
        RequestError error = invalid.error();
        log.info("Rejected request {}: {}", error.requestId(), error.message());
        writer.publishFailure(
            new Failure(
                error.requestId(),
                null,
                error.stage(),
                error.code(),
                error.message(),
                null,
                validationDetails(error),
                0,
                record.value(),
                record.topic(),
                record.partition(),
                record.offset(),
                RequestError.class.getName()));
        return;
      }
      ExtractionRequest request = ((ParseResult.Valid) parsed).request();
      MDC.put("request_id", request.requestId());
      if (state.tasks.containsKey(request.requestId())) {
        state.offsets.skipped(record.offset());
        metrics.duplicate();
        log.info("Request {} is already pending; not submitted again", request.requestId());
        return;
      }
      PendingTask task =
          PendingTask.consumed(
              request.requestId(),
              record.partition(),
              record.offset(),
              request.kind(),
              record.value());
      // Recorded at once, before any call: the offset may then commit with this record, so a
      // replay from the committed offset never meets a request this worker already settled.
      writer.record(task);
      task.closeOffset();
      state.offsets.skipped(record.offset());
      state.tasks.put(task.requestId(), task);
      task.queuedAt(clock.millis());
      book.queue.addLast(task);
    }
  }

  /** Starts what may start now: submissions within the budget, then due status checks. */
  void dispatch(boolean draining) {
    long now = clock.millis();
    if (!draining) {
      submitter.dispatch(now);
    }
    if (!nimble.circuitOpen()) {
      for (PendingTask task : book.timers.due(now, maxReadsInFlight - readsInFlight)) {
        check(task);
      }
    }
  }

  private void check(PendingTask task) {
    book.move(task, TaskPhase.CHECKING);
    task.countCheck();
    readsInFlight++;
    long epoch = book.partition(task.partition()).epoch;
    long started = System.nanoTime();
    nimble
        .task(task.taskId())
        .whenComplete(
            (info, failure) -> {
              metrics.call("status", WorkerMetrics.outcomeOf(failure), System.nanoTime() - started);
              events.add(
                  failure == null
                      ? new LoopEvent.Checked(task, epoch, info)
                      : new LoopEvent.CheckFailed(task, epoch, NimbleException.of(failure)));
            });
  }

  private void fetch(PendingTask task) {
    book.move(task, TaskPhase.FETCHING);
    readsInFlight++;
    long epoch = book.partition(task.partition()).epoch;
    long started = System.nanoTime();
    long limit = writer.resultLimit();
    nimble
        .results(task.taskId(), limit)
        .whenComplete(
            (results, failure) -> {
              metrics.call(
                  "results", WorkerMetrics.outcomeOf(failure), System.nanoTime() - started);
              events.add(
                  failure == null
                      ? new LoopEvent.Fetched(task, epoch, results)
                      : new LoopEvent.FetchFailed(task, epoch, NimbleException.of(failure)));
            });
  }

  /** Acts on one HTTP answer. Answers for partitions given away since are ignored. */
  void handle(LoopEvent event) {
    if (event instanceof LoopEvent.Submitted e) {
      submitter.submitted(e);
    } else if (event instanceof LoopEvent.SubmitFailed e) {
      submitter.submitFailed(e);
    } else if (event instanceof LoopEvent.BatchSubmitted e) {
      submitter.batchSubmitted(e);
    } else if (event instanceof LoopEvent.BatchFailed e) {
      submitter.batchFailed(e);
    } else if (event instanceof LoopEvent.Checked e) {
      readsInFlight--;
      if (book.current(e.task(), e.epoch())) {
        onChecked(e.task(), e.info());
      }
    } else if (event instanceof LoopEvent.CheckFailed e) {
      readsInFlight--;
      if (book.current(e.task(), e.epoch())) {
        onCheckFailed(e.task(), e.error());
      }
    } else if (event instanceof LoopEvent.Fetched e) {
      readsInFlight--;
      if (book.current(e.task(), e.epoch())) {
        onFetched(e.task(), e.results());
      }
    } else if (event instanceof LoopEvent.FetchFailed e) {
      readsInFlight--;
      if (book.current(e.task(), e.epoch())) {
        onFetchFailed(e.task(), e.error());
      }
    }
  }

  /**
   * A callback said a task ended: check it with Nimble now (a callback is never trusted as data). A
   * hint for a task this pod does not hold, or for another task id, changes nothing.
   */
  void hint(CallbackHint hint) {
    PartitionState state = book.partition(hint.partition());
    if (state == null) {
      metrics.callback("not_owned");
      return;
    }
    PendingTask task = state.byTaskId.get(hint.taskId());
    if (task == null) {
      PendingTask byRequest = state.tasks.get(hint.scope());
      if (byRequest != null && byRequest.phase() == TaskPhase.SUBMITTING) {
        byRequest.hinted(hint.taskId()); // the callback overtook the submission's answer
        metrics.callback("early");
      } else {
        metrics.callback("unknown_task");
      }
      return;
    }
    metrics.callback("hint");
    if (task.phase() == TaskPhase.WAITING) {
      if (readsInFlight < maxReadsInFlight) {
        check(task);
      } else {
        book.timers.schedule(task, clock.millis()); // due at once, as the budget allows
      }
    } else if (task.phase() == TaskPhase.CHECKING) {
      task.hinted(task.taskId());
    }
  }

  private void onChecked(PendingTask task, TaskInfo info) {
    try (MdcScope mdc = MdcScope.of(task)) {
      long now = clock.millis();
      TaskState state = info.state();
      if (state == TaskState.SUCCEEDED) {
        observeDuration(task, info, now);
        task.completedAt(completedAt(info, now));
        StorageDelivery delivery = storage(task);
        if (delivery != null) {
          String location =
              info.outputUrl() != null ? info.outputUrl() : delivery.objectUrl(task.taskId());
          writer.publishResult(task, null, location, delivery.type());
        } else {
          fetch(task);
        }
      } else if (state == TaskState.FAILED) {
        String why = info.error() != null ? info.error() : "Nimble reported the task failed";
        if (task.attempts() < config.maxAttempts()) {
          log.info(
              "Task {} of request {} failed ({}); submitting again (attempt {} of {})",
              task.taskId(),
              task.requestId(),
              why,
              task.attempts() + 1,
              config.maxAttempts());
          book.partition(task.partition()).byTaskId.remove(task.taskId());
          book.move(task, TaskPhase.QUEUED);
          book.queue.addFirst(task);
        } else {
          JsonNode details =
              json.createObjectNode()
                  .put("task_state", info.wireState())
                  .put("error_type", info.errorType());
          writer.fail(task, "task", "TASK_FAILED", why, null, details);
        }
      } else if (now - task.firstSubmittedAt() > config.retention().toMillis()) {
        writer.expire(task, "the task is older than the retention of " + config.retention(), null);
      } else {
        book.move(task, TaskPhase.WAITING);
        long delay =
            task.takeHint(task.taskId())
                ? 50
                : task.callback()
                    ? schedule.safetyNet(callbacks.safetyInterval())
                    : schedule.nextDelay(task.checks(), now - task.submittedAt());
        book.timers.schedule(task, now + delay);
      }
    }
  }

  private void onCheckFailed(PendingTask task, NimbleException error) {
    try (MdcScope mdc = MdcScope.of(task)) {
      if (error instanceof NimbleException.Rejected rejected) {
        if (error.httpStatus() == 404) {
          writer.expire(task, "Nimble no longer knows the task (" + error.getMessage() + ")", 404);
        } else {
          writer.fail(
              task,
              "task",
              error.code(),
              error.getMessage(),
              error.httpStatus(),
              rejected.details());
        }
        return;
      }
      long now = clock.millis();
      if (now - task.firstSubmittedAt() > config.retention().toMillis()) {
        writer.expire(task, "the task is older than the retention of " + config.retention(), null);
        return;
      }
      log.debug("Status check of {} failed: {}", task.taskId(), error.getMessage());
      book.move(task, TaskPhase.WAITING);
      long delay = schedule.nextDelay(Math.max(1, task.checks()), now - task.submittedAt());
      if (error instanceof NimbleException.Unavailable u && u.retryAfter().isPresent()) {
        delay = Math.max(delay, u.retryAfter().get().toMillis());
      }
      book.timers.schedule(task, now + delay);
    }
  }

  private void onFetched(PendingTask task, TaskResults results) {
    try (MdcScope mdc = MdcScope.of(task)) {
      long now = clock.millis();
      if (results.tooLarge()) {
        writer.tooLarge(task, results.size(), results.url());
        return;
      }
      writer.publishResult(task, results.body(), null, null);
    }
  }

  private void onFetchFailed(PendingTask task, NimbleException error) {
    try (MdcScope mdc = MdcScope.of(task)) {
      if (error instanceof NimbleException.Rejected rejected) {
        if (error.httpStatus() == 404) {
          writer.expire(task, "Nimble no longer has the results (" + error.getMessage() + ")", 404);
        } else {
          writer.fail(
              task,
              "results",
              error.code(),
              error.getMessage(),
              error.httpStatus(),
              rejected.details());
        }
        return;
      }
      log.debug("Fetching results of {} failed: {}", task.taskId(), error.getMessage());
      book.move(task, TaskPhase.WAITING);
      book.timers.schedule(task, clock.millis() + config.pollMinInterval().toMillis());
    }
  }

  private StorageDelivery storage(PendingTask task) {
    try {
      ExtractionRequest request =
          ((ParseResult.Valid)
                  parser.parse(
                      topics.requests(), task.partition(), task.sourceOffset(), task.request()))
              .request();
      return request.delivery();
    } catch (ClassCastException e) {
      return null;
    }
  }

  private void observeDuration(PendingTask task, TaskInfo info, long now) {
    long duration = now - task.submittedAt();
    try {
      if (info.createdAt() != null && info.modifiedAt() != null) {
        duration =
            Instant.parse(info.modifiedAt()).toEpochMilli()
                - Instant.parse(info.createdAt()).toEpochMilli();
      }
    } catch (DateTimeParseException ignored) {
      // keep the worker's own measure
    }
    schedule.estimator().observe(duration);
  }

  private static long completedAt(TaskInfo info, long fallback) {
    try {
      return info.modifiedAt() == null ? fallback : Instant.parse(info.modifiedAt()).toEpochMilli();
    } catch (DateTimeParseException e) {
      return fallback;
    }
  }

  private JsonNode validationDetails(RequestError error) {
    if (error.field() == null) {
      return null;
    }
    ObjectNode details = json.createObjectNode();
    details.put("field", error.field());
    if (error.limit() != null) {
      details.putPOJO("limit", error.limit());
    }
    return details;
  }

  /** Puts a partition's restored tasks back under watch; none is submitted again. */
  void install(PartitionState state, Collection<StoredTask> stored) {
    long now = clock.millis();
    for (StoredTask item : stored) {
      PendingTask task = PendingTask.restored(item, state.partition);
      state.tasks.put(task.requestId(), task);
      if (task.taskId() == null) {
        task.queuedAt(now); // recorded, never created at Nimble: submit it
        book.queue.addLast(task);
        continue;
      }
      state.byTaskId.put(task.taskId(), task);
      book.adopt(task);
      long expectedAt = task.submittedAt() + schedule.estimator().expectedMillis();
      book.timers.schedule(task, Math.max(now, expectedAt) + schedule.spread(1_000));
    }
    state.restored = true;
  }

  int queued() {
    return book.queue.size();
  }

  int slotsUsed() {
    return book.slotsUsed();
  }

  void compactTimers() {
    book.timers.compact();
  }

  long nextDueIn() {
    return book.timers.nextDueIn(clock.millis());
  }
}
