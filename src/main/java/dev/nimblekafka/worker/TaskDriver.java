package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.callback.CallbackEndpoint;
import dev.nimblekafka.callback.CallbackHint;
import dev.nimblekafka.callback.CallbackTokens;
import dev.nimblekafka.config.BatchConfig;
import dev.nimblekafka.config.CallbackConfig;
import dev.nimblekafka.config.TaskConfig;
import dev.nimblekafka.config.Topics;
import dev.nimblekafka.nimble.BatchSubmission;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.NimbleGateway;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskResults;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.publish.Completion;
import dev.nimblekafka.publish.Failure;
import dev.nimblekafka.publish.OutcomeRecords;
import dev.nimblekafka.publish.Output;
import dev.nimblekafka.request.ExtractionRequest;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.request.ParseResult;
import dev.nimblekafka.request.RequestError;
import dev.nimblekafka.request.RequestParser;
import dev.nimblekafka.request.StorageDelivery;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.PollSchedule;
import dev.nimblekafka.task.StateCodec;
import dev.nimblekafka.task.StoredTask;
import dev.nimblekafka.task.TaskPhase;
import dev.nimblekafka.task.TaskTimers;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * The request lifecycle, driven by the consume loop's thread: admit consumed records, submit them
 * to Nimble within the concurrency budget, check their tasks on a schedule, fetch results, and
 * write outcomes and state changes to the {@link Output}. HTTP answers come back as {@link
 * LoopEvent}s through {@code events}; nothing here blocks.
 */
final class TaskDriver {
  private static final Logger log = LoggerFactory.getLogger(TaskDriver.class);

  private final TaskConfig config;
  private final CallbackConfig callbacks;
  private final BatchConfig batch;
  private final BatchPlanner planner;
  private final CallbackTokens tokens;
  private final Topics topics;
  private final NimbleGateway nimble;
  private final RequestParser parser;
  private final StateCodec codec;
  private final OutcomeRecords outcomes;
  private final PollSchedule schedule;
  private final ObjectMapper json;
  private final Clock clock;
  private final WorkerMetrics metrics;
  private final Queue<LoopEvent> events;
  private final Supplier<Output> output;

  private final Map<Integer, PartitionState> partitions = new HashMap<>();
  private final Deque<PendingTask> submitQueue = new ArrayDeque<>();
  private final TaskTimers timers = new TaskTimers();
  private int slotsUsed;
  private int submissionsInFlight;
  private int recordedSinceCommit;
  private int checksInFlight;
  private final int maxChecksInFlight;
  private long submitPausedUntil;
  private PauseReason accessDenied;
  private String accessDetail;
  private boolean probeInFlight;

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
      BatchConfig batch) {
    this.config = config;
    this.batch = batch;
    this.planner = new BatchPlanner(json);
    this.callbacks = callbacks;
    this.tokens = callbacks.enabled() ? new CallbackTokens(callbacks.secret()) : null;
    this.topics = topics;
    this.nimble = nimble;
    this.json = json;
    this.parser = new RequestParser(json);
    this.codec = new StateCodec(json);
    this.outcomes = outcomes;
    this.schedule = schedule;
    this.clock = clock;
    this.metrics = metrics;
    this.events = events;
    this.output = output;
    this.maxChecksInFlight = Math.max(8, callsPerSecond);
  }

  // ---- partitions -------------------------------------------------------------------------

  PartitionState add(int partition, long epoch) {
    PartitionState state = new PartitionState(partition, epoch);
    partitions.put(partition, state);
    metrics.partitionSeen(partition);
    return state;
  }

  PartitionState partition(int partition) {
    return partitions.get(partition);
  }

  Collection<PartitionState> partitions() {
    return partitions.values();
  }

  /** Forgets a partition: its tasks belong to the next owner now. */
  void drop(int partition) {
    PartitionState state = partitions.remove(partition);
    if (state == null) {
      return;
    }
    for (PendingTask task : state.tasks.values()) {
      // DONE makes the timers and any late HTTP answer skip it
      move(task, TaskPhase.DONE);
    }
    submitQueue.removeIf(task -> task.partition() == partition);
  }

  /** Submissions still in flight for a partition (waited for before it is given away). */
  int submittingIn(int partition) {
    PartitionState state = partitions.get(partition);
    if (state == null) {
      return 0;
    }
    int count = 0;
    for (PendingTask task : state.tasks.values()) {
      if (task.phase() == TaskPhase.SUBMITTING) {
        count++;
      }
    }
    return count;
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

  /** Puts a partition's restored tasks back under watch; none is submitted again. */
  void install(PartitionState state, Collection<StoredTask> stored) {
    long now = clock.millis();
    for (StoredTask item : stored) {
      PendingTask task = PendingTask.restored(item, state.partition);
      state.tasks.put(task.requestId(), task);
      state.byTaskId.put(task.taskId(), task);
      slotsUsed++;
      long expectedAt = task.submittedAt() + schedule.estimator().expectedMillis();
      timers.schedule(task, Math.max(now, expectedAt) + schedule.spread(1_000));
    }
    state.restored = true;
  }

  // ---- admission --------------------------------------------------------------------------

  void admit(ConsumerRecord<byte[], byte[]> record) {
    metrics.consumed();
    PartitionState state = partitions.get(record.partition());
    if (state == null) {
      return;
    }
    try (MdcScope mdc = MdcScope.of(record)) {
      ParseResult parsed =
          parser.parse(record.topic(), record.partition(), record.offset(), record.value());
      if (parsed instanceof ParseResult.Invalid invalid) {
        state.offsets.skipped(record.offset());
        RequestError error = invalid.error();
        log.info("Rejected request {}: {}", error.requestId(), error.message());
        publishFailure(
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
      state.offsets.opened(record.offset());
      PendingTask task =
          PendingTask.consumed(
              request.requestId(),
              record.partition(),
              record.offset(),
              request.kind(),
              record.value());
      state.tasks.put(task.requestId(), task);
      task.queuedAt(clock.millis());
      submitQueue.addLast(task);
    }
  }

  // ---- dispatch ---------------------------------------------------------------------------

  /** Starts what may start now: submissions within the budget, then due status checks. */
  void dispatch(boolean draining) {
    long now = clock.millis();
    if (!draining) {
      dispatchSubmissions(now);
    }
    if (!nimble.circuitOpen()) {
      for (PendingTask task : timers.due(now, maxChecksInFlight - checksInFlight)) {
        check(task);
      }
    }
  }

  private void dispatchSubmissions(long now) {
    if (nimble.circuitOpen() || now < submitPausedUntil) {
      return;
    }
    if (accessDenied != null) {
      // one probe at a time while the account is refused; it resumes everything when it passes
      if (!probeInFlight && !submitQueue.isEmpty()) {
        probeInFlight = true;
        submit(submitQueue.pollFirst());
      }
      return;
    }
    if (!batch.enabled()) {
      while (!submitQueue.isEmpty() && slotsUsed < config.maxPending()) {
        submit(submitQueue.pollFirst());
      }
      return;
    }
    int free = config.maxPending() - slotsUsed;
    if (free <= 0 || submitQueue.isEmpty()) {
      return;
    }
    boolean full = submitQueue.size() >= Math.min(batch.maxSize(), free);
    if (!full && now - submitQueue.peekFirst().queuedAt() < batch.linger().toMillis()) {
      return; // let a few more requests join the batch
    }
    List<PendingTask> grouped = new ArrayList<>();
    List<ObjectNode> bodies = new ArrayList<>();
    while (free > 0 && !submitQueue.isEmpty()) {
      PendingTask task = submitQueue.pollFirst();
      free--;
      if (task.alone() || task.attempts() > 0) {
        submit(task);
      } else {
        grouped.add(task);
        bodies.add(body(task));
      }
    }
    for (BatchPlanner.Group group :
        planner.plan(grouped, bodies, batch.maxSize(), tokens != null)) {
      if (group.single()) {
        submit(group.tasks().get(0), group.inputs().get(0));
      } else {
        submitBatch(group);
      }
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
      move(task, TaskPhase.SUBMITTING);
      task.callback(callback);
      epochs.add(partitions.get(task.partition()).epoch);
    }
    submissionsInFlight += tasks.size();
    ObjectNode body = planner.batchBody(group);
    long started = System.nanoTime();
    CompletableFuture<BatchSubmission> call =
        group.kind() == Kind.EXTRACT
            ? nimble.submitExtractBatch(body)
            : nimble.submitAgentBatch(body);
    call.whenComplete(
        (submission, failure) -> {
          metrics.call("batch", outcomeTag(failure), System.nanoTime() - started);
          events.add(
              failure == null
                  ? new LoopEvent.BatchSubmitted(tasks, epochs, submission)
                  : new LoopEvent.BatchFailed(tasks, epochs, NimbleException.of(failure)));
        });
  }

  private void submit(PendingTask task) {
    submit(task, body(task));
  }

  private void submit(PendingTask task, ObjectNode body) {
    move(task, TaskPhase.SUBMITTING);
    submissionsInFlight++;
    long epoch = partitions.get(task.partition()).epoch;
    task.callback(addCallback(body, task.kind(), task.partition(), task.requestId()));
    long started = System.nanoTime();
    CompletableFuture<TaskInfo> call =
        task.kind() == Kind.EXTRACT ? nimble.submitExtract(body) : nimble.submitAgent(body);
    call.whenComplete(
        (info, failure) -> {
          metrics.call("submit", outcomeTag(failure), System.nanoTime() - started);
          events.add(
              failure == null
                  ? new LoopEvent.Submitted(task, epoch, info)
                  : new LoopEvent.SubmitFailed(task, epoch, NimbleException.of(failure)));
        });
  }

  private void check(PendingTask task) {
    move(task, TaskPhase.CHECKING);
    task.countCheck();
    checksInFlight++;
    long epoch = partitions.get(task.partition()).epoch;
    long started = System.nanoTime();
    nimble
        .task(task.taskId())
        .whenComplete(
            (info, failure) -> {
              metrics.call("status", outcomeTag(failure), System.nanoTime() - started);
              events.add(
                  failure == null
                      ? new LoopEvent.Checked(task, epoch, info)
                      : new LoopEvent.CheckFailed(task, epoch, NimbleException.of(failure)));
            });
  }

  private void fetch(PendingTask task) {
    move(task, TaskPhase.FETCHING);
    long epoch = partitions.get(task.partition()).epoch;
    long started = System.nanoTime();
    long limit = Math.min(config.maxResultBytes(), outcomes.maxResultBytes());
    nimble
        .results(task.taskId(), limit)
        .whenComplete(
            (results, failure) -> {
              metrics.call("results", outcomeTag(failure), System.nanoTime() - started);
              events.add(
                  failure == null
                      ? new LoopEvent.Fetched(task, epoch, results)
                      : new LoopEvent.FetchFailed(task, epoch, NimbleException.of(failure)));
            });
  }

  // ---- events -----------------------------------------------------------------------------

  /** Acts on one HTTP answer. Answers for partitions given away since are ignored. */
  void handle(LoopEvent event) {
    if (event instanceof LoopEvent.Submitted e) {
      submissionsInFlight--;
      if (current(e.task(), e.epoch())) {
        onSubmitted(e.task(), e.info());
      } else {
        metrics.orphaned();
        log.warn(
            "Task {} was created for request {} after its partition moved; the new owner"
                + " submits it again",
            e.info().id(),
            e.task().requestId());
      }
    } else if (event instanceof LoopEvent.SubmitFailed e) {
      submissionsInFlight--;
      if (current(e.task(), e.epoch())) {
        onSubmitFailed(e.task(), e.error());
      }
    } else if (event instanceof LoopEvent.BatchSubmitted e) {
      submissionsInFlight -= e.tasks().size();
      onBatchSubmitted(e);
    } else if (event instanceof LoopEvent.BatchFailed e) {
      submissionsInFlight -= e.tasks().size();
      onBatchFailed(e);
    } else if (event instanceof LoopEvent.Checked e) {
      checksInFlight--;
      if (current(e.task(), e.epoch())) {
        onChecked(e.task(), e.info());
      }
    } else if (event instanceof LoopEvent.CheckFailed e) {
      checksInFlight--;
      if (current(e.task(), e.epoch())) {
        onCheckFailed(e.task(), e.error());
      }
    } else if (event instanceof LoopEvent.Fetched e) {
      if (current(e.task(), e.epoch())) {
        onFetched(e.task(), e.results());
      }
    } else if (event instanceof LoopEvent.FetchFailed e) {
      if (current(e.task(), e.epoch())) {
        onFetchFailed(e.task(), e.error());
      }
    }
  }

  /**
   * A callback said a task ended: check it with Nimble now (a callback is never trusted as data). A
   * hint for a task this pod does not hold, or for another task id, changes nothing.
   */
  void hint(CallbackHint hint) {
    PartitionState state = partitions.get(hint.partition());
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
      check(task);
    } else if (task.phase() == TaskPhase.CHECKING) {
      task.hinted(task.taskId());
    }
  }

  private long firstDelay(PendingTask task) {
    return task.callback()
        ? schedule.safetyNet(callbacks.safetyInterval())
        : schedule.nextDelay(0, 0);
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

  private boolean current(PendingTask task, long epoch) {
    PartitionState state = partitions.get(task.partition());
    return state != null && state.epoch == epoch && state.tasks.get(task.requestId()) == task;
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
      PartitionState state = partitions.get(task.partition());
      if (task.taskId() != null) {
        state.byTaskId.remove(task.taskId());
      }
      task.submitted(info.id(), now);
      state.byTaskId.put(info.id(), task);
      MDC.put("task_id", info.id());
      output
          .get()
          .send(
              OutcomeRecords.state(
                  topics.state(),
                  task.partition(),
                  task.requestId(),
                  codec.encode(task.toStored(topics.requests()))));
      recordedSinceCommit++;
      if (task.closeOffset()) {
        state.offsets.closed(task.sourceOffset());
      }
      log.debug("Submitted request {} as task {}", task.requestId(), info.id());
      timers.schedule(task, now + (task.takeHint(info.id()) ? 0 : firstDelay(task)));
    }
  }

  /** Maps the batch's tasks back to their requests, in input order. */
  private void onBatchSubmitted(LoopEvent.BatchSubmitted e) {
    List<TaskInfo> created = e.batch().tasks();
    for (int i = 0; i < e.tasks().size(); i++) {
      PendingTask task = e.tasks().get(i);
      TaskInfo info = i < created.size() ? created.get(i) : null;
      if (!current(task, e.epochs().get(i))) {
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
      if (!current(task, e.epochs().get(i))) {
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
    move(task, TaskPhase.QUEUED);
    submitQueue.addFirst(task);
  }

  private void onSubmitFailed(PendingTask task, NimbleException error) {
    try (MdcScope mdc = MdcScope.of(task)) {
      probeInFlight = false;
      if (error instanceof NimbleException.Rejected rejected) {
        log.info("Nimble rejected request {}: {}", task.requestId(), error.getMessage());
        fail(
            task,
            "submit",
            error.code(),
            error.getMessage(),
            error.httpStatus(),
            rejected.details());
        return;
      }
      move(task, TaskPhase.QUEUED);
      submitQueue.addFirst(task);
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
          publishResult(task, null, location, delivery.type());
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
          partitions.get(task.partition()).byTaskId.remove(task.taskId());
          move(task, TaskPhase.QUEUED);
          submitQueue.addFirst(task);
        } else {
          JsonNode details =
              json.createObjectNode()
                  .put("task_state", info.wireState())
                  .put("error_type", info.errorType());
          fail(task, "task", "TASK_FAILED", why, null, details);
        }
      } else if (now - task.firstSubmittedAt() > config.retention().toMillis()) {
        expire(task, "the task is older than the retention of " + config.retention(), null);
      } else {
        move(task, TaskPhase.WAITING);
        long delay =
            task.takeHint(task.taskId())
                ? 50
                : task.callback()
                    ? schedule.safetyNet(callbacks.safetyInterval())
                    : schedule.nextDelay(task.checks(), now - task.submittedAt());
        timers.schedule(task, now + delay);
      }
    }
  }

  private void onCheckFailed(PendingTask task, NimbleException error) {
    try (MdcScope mdc = MdcScope.of(task)) {
      if (error instanceof NimbleException.Rejected rejected) {
        if (error.httpStatus() == 404) {
          expire(task, "Nimble no longer knows the task (" + error.getMessage() + ")", 404);
        } else {
          fail(
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
        expire(task, "the task is older than the retention of " + config.retention(), null);
        return;
      }
      log.debug("Status check of {} failed: {}", task.taskId(), error.getMessage());
      move(task, TaskPhase.WAITING);
      long delay = schedule.nextDelay(Math.max(1, task.checks()), now - task.submittedAt());
      if (error instanceof NimbleException.Unavailable u && u.retryAfter().isPresent()) {
        delay = Math.max(delay, u.retryAfter().get().toMillis());
      }
      timers.schedule(task, now + delay);
    }
  }

  private void onFetched(PendingTask task, TaskResults results) {
    try (MdcScope mdc = MdcScope.of(task)) {
      long now = clock.millis();
      if (results.tooLarge()) {
        tooLarge(task, results.size(), results.url());
        return;
      }
      publishResult(task, results.body(), null, null);
    }
  }

  private void onFetchFailed(PendingTask task, NimbleException error) {
    try (MdcScope mdc = MdcScope.of(task)) {
      if (error instanceof NimbleException.Rejected rejected) {
        if (error.httpStatus() == 404) {
          expire(task, "Nimble no longer has the results (" + error.getMessage() + ")", 404);
        } else {
          fail(
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
      move(task, TaskPhase.WAITING);
      timers.schedule(task, clock.millis() + config.pollMinInterval().toMillis());
    }
  }

  // ---- outcomes ---------------------------------------------------------------------------

  private void publishResult(PendingTask task, byte[] body, String location, String storageType) {
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
        tooLarge(task, size, nimble.client().resultsUrl(task.taskId()));
        return null;
      }
      return record.get();
    } catch (IllegalArgumentException notJson) {
      fail(task, "results", "INVALID_RESULT", "Nimble's result body is not valid JSON", null, null);
      return null;
    }
  }

  private void tooLarge(PendingTask task, long size, String url) {
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

  private void expire(PendingTask task, String why, Integer httpStatus) {
    fail(task, "task", "TASK_EXPIRED", why, httpStatus, null);
  }

  /** Publishes a failure for a request the worker holds, ending its state record. */
  private void fail(
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

  private void publishFailure(Failure failure) {
    output.get().send(outcomes.failure(failure, clock.instant()));
    metrics.outcome("failures", failure.code());
  }

  /** The outcome is written: end the state record, settle the offset, forget the task. */
  private void finish(PendingTask task) {
    PartitionState state = partitions.get(task.partition());
    if (task.attempts() > 0) {
      output
          .get()
          .send(OutcomeRecords.tombstone(topics.state(), task.partition(), task.requestId()));
    }
    if (task.closeOffset()) {
      state.offsets.closed(task.sourceOffset());
    }
    move(task, TaskPhase.DONE);
    state.tasks.remove(task.requestId());
    if (task.taskId() != null) {
      state.byTaskId.remove(task.taskId());
    }
  }

  // ---- helpers ----------------------------------------------------------------------------

  private void move(PendingTask task, TaskPhase next) {
    boolean before = task.phase().occupiesSlot();
    task.moveTo(next);
    boolean after = next.occupiesSlot();
    if (before != after) {
      slotsUsed += after ? 1 : -1;
    }
  }

  private ObjectNode body(PendingTask task) {
    try {
      JsonNode root = json.readTree(task.request());
      return (ObjectNode) root.get(task.kind().wire()).deepCopy();
    } catch (IOException e) {
      throw new IllegalStateException("a held request became unreadable", e);
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

  private static JsonNode validationDetails(RequestError error) {
    if (error.field() == null) {
      return null;
    }
    ObjectNode details = new ObjectMapper().createObjectNode();
    details.put("field", error.field());
    if (error.limit() != null) {
      details.putPOJO("limit", error.limit());
    }
    return details;
  }

  private static String outcomeTag(Throwable failure) {
    if (failure == null) {
      return "ok";
    }
    NimbleException error = NimbleException.of(failure);
    return error.httpStatus() > 0
        ? Integer.toString(error.httpStatus())
        : error.code().toLowerCase();
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

  int queued() {
    return submitQueue.size();
  }

  int slotsUsed() {
    return slotsUsed;
  }

  void compactTimers() {
    timers.compact();
  }

  long nextDueIn() {
    return timers.nextDueIn(clock.millis());
  }
}
