package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.callback.CallbackEndpoint;
import dev.nimblekafka.callback.CallbackTokens;
import dev.nimblekafka.config.BatchConfig;
import dev.nimblekafka.config.CallbackConfig;
import dev.nimblekafka.config.TaskConfig;
import dev.nimblekafka.config.Topics;
import dev.nimblekafka.nimble.BatchSubmission;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.NimbleGateway;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.publish.Output;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.PollSchedule;
import dev.nimblekafka.task.TaskPhase;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Creating tasks at Nimble: waiting requests go out within the concurrency budget, alone or in
 * batches that share delivery options, with the worker's callback URL when callbacks are on. A
 * created task's state record is written at once, which settles its request offset. 401/402 hold
 * submissions back (one probe at a time until Nimble accepts again); 429/5xx/IO put requests back.
 */
final class Submitter {
  private static final Logger log = LoggerFactory.getLogger(Submitter.class);

  private final TaskBook book;
  private final TaskConfig config;
  private final BatchConfig batch;
  private final BatchPlanner planner;
  private final CallbackConfig callbacks;
  private final CallbackTokens tokens;
  private final Topics topics;
  private final NimbleGateway nimble;
  private final ObjectMapper json;
  private final PollSchedule schedule;
  private final Clock clock;
  private final WorkerMetrics metrics;
  private final Queue<LoopEvent> events;
  private final Supplier<Output> output;
  private final OutcomeWriter writer;

  private int submissionsInFlight;

  /** Create calls (single or batch) in flight, capped so a backlog never piles up HTTP calls. */
  private int callsInFlight;

  private final int maxCallsInFlight;
  private int recordedSinceCommit;
  private long submitPausedUntil;
  private PauseReason accessDenied;
  private String accessDetail;
  private boolean probeInFlight;

  Submitter(
      TaskBook book,
      TaskConfig config,
      BatchConfig batch,
      CallbackConfig callbacks,
      Topics topics,
      NimbleGateway nimble,
      ObjectMapper json,
      PollSchedule schedule,
      Clock clock,
      WorkerMetrics metrics,
      Queue<LoopEvent> events,
      Supplier<Output> output,
      OutcomeWriter writer,
      int callsPerSecond) {
    this.book = book;
    this.config = config;
    this.batch = batch;
    this.planner = new BatchPlanner(json);
    this.callbacks = callbacks;
    this.tokens = callbacks.enabled() ? new CallbackTokens(callbacks.secret()) : null;
    this.topics = topics;
    this.nimble = nimble;
    this.json = json;
    this.schedule = schedule;
    this.clock = clock;
    this.metrics = metrics;
    this.events = events;
    this.output = output;
    this.writer = writer;
    this.maxCallsInFlight = Math.max(8, callsPerSecond);
  }

  void dispatch(long now) {
    if (nimble.circuitOpen() || now < submitPausedUntil) {
      return;
    }
    if (accessDenied != null) {
      // one probe at a time while the account is refused; it resumes everything when it passes
      if (!probeInFlight && !book.queue.isEmpty()) {
        probeInFlight = true;
        submit(book.queue.pollFirst());
      }
      return;
    }
    if (!batch.enabled()) {
      while (!book.queue.isEmpty()
          && book.slotsUsed() < config.maxPending()
          && callsInFlight < maxCallsInFlight) {
        submit(book.queue.pollFirst());
      }
      return;
    }
    int free = config.maxPending() - book.slotsUsed();
    if (free <= 0 || book.queue.isEmpty() || callsInFlight >= maxCallsInFlight) {
      return;
    }
    boolean full = book.queue.size() >= Math.min(batch.maxSize(), free);
    if (!full && now - book.queue.peekFirst().queuedAt() < batch.linger().toMillis()) {
      return; // let a few more requests join the batch
    }
    List<PendingTask> grouped = new ArrayList<>();
    List<ObjectNode> bodies = new ArrayList<>();
    while (free > 0 && !book.queue.isEmpty() && callsInFlight < maxCallsInFlight) {
      PendingTask task = book.queue.pollFirst();
      free--;
      if (task.alone() || task.attempts() > 0) {
        submit(task);
      } else {
        grouped.add(task);
        bodies.add(body(task));
      }
    }
    List<PendingTask> later = new ArrayList<>();
    for (BatchPlanner.Group group :
        planner.plan(grouped, bodies, batch.maxSize(), tokens != null)) {
      if (callsInFlight >= maxCallsInFlight) {
        later.addAll(group.tasks()); // no call left this round: back to the queue, in order
      } else if (group.single()) {
        submit(group.tasks().get(0), group.inputs().get(0));
      } else {
        submitBatch(group);
      }
    }
    for (int i = later.size() - 1; i >= 0; i--) {
      book.queue.addFirst(later.get(i));
    }
  }

  private void submitBatch(BatchPlanner.Group group) {
    List<PendingTask> tasks = group.tasks();
    boolean callback = tokens != null && !group.shared().has("callback_url");
    if (callback) {
      String nonce = "batch-" + java.util.UUID.randomUUID();
      group.shared().put("callback_url", callbackUrl(tasks.get(0).partition(), nonce));
    }
    List<Long> epochs = new ArrayList<>();
    for (PendingTask task : tasks) {
      book.move(task, TaskPhase.SUBMITTING);
      task.callback(callback);
      epochs.add(book.partition(task.partition()).epoch);
    }
    submissionsInFlight += tasks.size();
    callsInFlight++;
    ObjectNode body = planner.batchBody(group);
    long started = System.nanoTime();
    CompletableFuture<BatchSubmission> call =
        group.kind() == Kind.EXTRACT
            ? nimble.submitExtractBatch(body)
            : nimble.submitAgentBatch(body);
    call.whenComplete(
        (submission, failure) -> {
          metrics.call("batch", WorkerMetrics.outcomeOf(failure), System.nanoTime() - started);
          events.add(
              failure == null
                  ? new LoopEvent.BatchSubmitted(tasks, epochs, submission)
                  : new LoopEvent.BatchFailed(tasks, epochs, NimbleException.of(failure)));
        });
  }

  void submit(PendingTask task) {
    submit(task, body(task));
  }

  private void submit(PendingTask task, ObjectNode body) {
    book.move(task, TaskPhase.SUBMITTING);
    submissionsInFlight++;
    callsInFlight++;
    long epoch = book.partition(task.partition()).epoch;
    task.callback(addCallback(body, task.kind(), task.partition(), task.requestId()));
    long started = System.nanoTime();
    CompletableFuture<TaskInfo> call =
        task.kind() == Kind.EXTRACT ? nimble.submitExtract(body) : nimble.submitAgent(body);
    call.whenComplete(
        (info, failure) -> {
          metrics.call("submit", WorkerMetrics.outcomeOf(failure), System.nanoTime() - started);
          events.add(
              failure == null
                  ? new LoopEvent.Submitted(task, epoch, info)
                  : new LoopEvent.SubmitFailed(task, epoch, NimbleException.of(failure)));
        });
  }

  /**
   * Points Nimble's callback at this worker when callbacks are on and the request has no callback
   * of its own (then the worker relies on polling). Agents take it in {@code params}, as Nimble's
   * documentation places it.
   */
  private boolean addCallback(ObjectNode body, Kind kind, int partition, String scope) {
    if (tokens == null) {
      return false;
    }
    ObjectNode target = body;
    if (kind == Kind.AGENT && body.path("params").isObject() && !body.has("callback_url")) {
      target = (ObjectNode) body.get("params");
    }
    if (body.hasNonNull("callback_url") || target.hasNonNull("callback_url")) {
      return false;
    }
    target.put("callback_url", callbackUrl(partition, scope));
    return true;
  }

  private String callbackUrl(int partition, String scope) {
    String base = callbacks.baseUrl().toString().replaceAll("/+$", "");
    return base + CallbackEndpoint.PATH + tokens.token(partition, scope);
  }

  private long firstDelay(PendingTask task) {
    return task.callback()
        ? schedule.safetyNet(callbacks.safetyInterval())
        : schedule.nextDelay(0, 0);
  }

  void submitted(LoopEvent.Submitted e) {
    submissionsInFlight--;
    callsInFlight--;
    if (book.current(e.task(), e.epoch())) {
      onSubmitted(e.task(), e.info());
    } else {
      metrics.orphaned();
      log.warn(
          "Task {} was created for request {} after its partition moved; the new owner"
              + " submits it again",
          e.info().id(),
          e.task().requestId());
    }
  }

  void submitFailed(LoopEvent.SubmitFailed e) {
    submissionsInFlight--;
    callsInFlight--;
    if (book.current(e.task(), e.epoch())) {
      onSubmitFailed(e.task(), e.error());
    }
  }

  void batchSubmitted(LoopEvent.BatchSubmitted e) {
    submissionsInFlight -= e.tasks().size();
    callsInFlight--;
    onBatchSubmitted(e);
  }

  void batchFailed(LoopEvent.BatchFailed e) {
    submissionsInFlight -= e.tasks().size();
    callsInFlight--;
    onBatchFailed(e);
  }

  private void onSubmitted(PendingTask task, TaskInfo info) {
    try (MdcScope mdc = MdcScope.of(task)) {
      if (accessDenied != null) {
        log.info("Nimble accepts submissions again; resuming");
        accessDenied = null;
        accessDetail = null;
      }
      probeInFlight = false;
      if (task.attempts() > 0) {
        metrics.resubmitted();
      }
      long now = clock.millis();
      PartitionState state = book.partition(task.partition());
      if (task.taskId() != null) {
        state.byTaskId.remove(task.taskId());
      }
      task.submitted(info.id(), now);
      state.byTaskId.put(info.id(), task);
      MDC.put("task_id", info.id());
      writer.record(task);
      recordedSinceCommit++;
      if (task.closeOffset()) {
        state.offsets.closed(task.sourceOffset());
      }
      log.debug("Submitted request {} as task {}", task.requestId(), info.id());
      book.timers.schedule(task, now + (task.takeHint(info.id()) ? 0 : firstDelay(task)));
    }
  }

  /** Maps the batch's tasks back to their requests, in input order. */
  private void onBatchSubmitted(LoopEvent.BatchSubmitted e) {
    List<TaskInfo> created = e.batch().tasks();
    for (int i = 0; i < e.tasks().size(); i++) {
      PendingTask task = e.tasks().get(i);
      TaskInfo info = i < created.size() ? created.get(i) : null;
      if (!book.current(task, e.epochs().get(i))) {
        if (info != null) {
          metrics.orphaned();
        }
        continue;
      }
      if (info == null || info.id() == null) {
        log.warn(
            "Batch {} returned no task for request {}; submitting it alone",
            e.batch().batchId(),
            task.requestId());
        requeueAlone(task);
      } else {
        onSubmitted(task, info);
      }
    }
  }

  /**
   * A batch refused as a whole (4xx): one bad input must not fail its neighbours, so each request
   * is submitted on its own. Other errors put the requests back as a single failure would.
   */
  private void onBatchFailed(LoopEvent.BatchFailed e) {
    for (int i = 0; i < e.tasks().size(); i++) {
      PendingTask task = e.tasks().get(i);
      if (!book.current(task, e.epochs().get(i))) {
        continue;
      }
      if (e.error() instanceof NimbleException.Rejected) {
        requeueAlone(task);
      } else {
        onSubmitFailed(task, e.error());
      }
    }
    if (e.error() instanceof NimbleException.Rejected) {
      log.info(
          "A batch of {} was refused ({}); submitting its requests one by one",
          e.tasks().size(),
          e.error().getMessage());
    }
  }

  private void requeueAlone(PendingTask task) {
    task.alone(true);
    book.move(task, TaskPhase.QUEUED);
    book.queue.addFirst(task);
  }

  private void onSubmitFailed(PendingTask task, NimbleException error) {
    try (MdcScope mdc = MdcScope.of(task)) {
      probeInFlight = false;
      if (error instanceof NimbleException.Rejected rejected) {
        log.info("Nimble rejected request {}: {}", task.requestId(), error.getMessage());
        writer.fail(
            task,
            "submit",
            error.code(),
            error.getMessage(),
            error.httpStatus(),
            rejected.details());
        return;
      }
      book.move(task, TaskPhase.QUEUED);
      book.queue.addFirst(task);
      long now = clock.millis();
      if (error instanceof NimbleException.AccessDenied denied) {
        PauseReason reason = denied.isPayment() ? PauseReason.BUDGET : PauseReason.AUTH;
        if (accessDenied != reason) {
          log.error(
              "Nimble refuses new tasks ({}); pausing and trying again every {}",
              error.getMessage(),
              config.accessRecheckInterval());
        }
        accessDenied = reason;
        accessDetail = error.getMessage();
        submitPausedUntil = now + config.accessRecheckInterval().toMillis();
      } else {
        log.debug("Submission of {} will be tried again: {}", task.requestId(), error.getMessage());
        NimbleException.Unavailable unavailable = (NimbleException.Unavailable) error;
        long wait = unavailable.retryAfter().map(Duration::toMillis).orElse(1_000L);
        submitPausedUntil = Math.max(submitPausedUntil, now + wait);
      }
    }
  }

  ObjectNode body(PendingTask task) {
    try {
      JsonNode root = json.readTree(new String(task.request(), StandardCharsets.UTF_8));
      return (ObjectNode) root.get(task.kind().wire()).deepCopy();
    } catch (IOException e) {
      throw new IllegalStateException("a held request became unreadable", e);
    }
  }

  /** Why submissions are held back, if they are (for pausing and for health). */
  PauseReason submitBlock() {
    if (accessDenied != null) {
      return accessDenied;
    }
    if (nimble.circuitOpen()) {
      return PauseReason.CIRCUIT_OPEN;
    }
    return null;
  }

  String accessDetail() {
    return accessDetail;
  }

  int submissionsInFlight() {
    return submissionsInFlight;
  }

  /** Submissions a crash now would lose track of (in flight, or recorded but not committed). */
  int atRisk() {
    return submissionsInFlight + recordedSinceCommit;
  }

  void committed() {
    recordedSinceCommit = 0;
  }
}
