package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.callback.CallbackEndpoint;
import dev.nimblekafka.callback.CallbackTokens;
import dev.nimblekafka.config.BatchConfig;
import dev.nimblekafka.config.CallbackConfig;
import dev.nimblekafka.config.KeyConfig;
import dev.nimblekafka.config.TaskConfig;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.TaskBook;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;

/**
 * Creating tasks at Nimble: queued requests go out within the plan's concurrency, alone or in
 * batches that share delivery options, with the worker's callback URL when callbacks are on. A
 * created task's state record is written at once. The {@link AccessGate} holds submissions back
 * after a 401/402 (one probe at a time) or a 429/5xx/IO answer; such requests go back to the queue.
 */
final class Submitter {
  private static final Logger log = LoggerFactory.getLogger(Submitter.class);

  private final TaskContext context;
  private final TaskBook book;
  private final TaskConfig config;
  private final KeyConfig key;
  private final BatchConfig batch;
  private final BatchPlanner planner;
  private final CallbackConfig callbacks;
  private final CallbackTokens tokens;
  private final AccessGate gate;
  private final Reconciler reconciler;
  private final Refusals refusals = new Refusals();

  private int submissionsInFlight;

  /** Create calls (single or batch) in flight, capped so a backlog never piles up HTTP calls. */
  private int callsInFlight;

  private int recordedSinceCommit;

  /** Queued requests a probe is chosen from (one refused for itself must not hold the pod). */
  private static final int PROBE_CHOICES = 100;

  /** Different requests refused with a 403 in a row that are probed at once, before the wait. */
  private static final int QUICK_PROBES = 3;

  Submitter(
      TaskContext context,
      TaskConfig config,
      KeyConfig key,
      BatchConfig batch,
      CallbackConfig callbacks) {
    this.context = context;
    this.book = context.book();
    this.config = config;
    this.key = key;
    this.batch = batch;
    this.planner = new BatchPlanner();
    this.callbacks = callbacks;
    this.tokens = callbacks.enabled() ? new CallbackTokens(callbacks.secret()) : null;
    this.gate = new AccessGate(config.accessRecheckInterval());
    this.reconciler =
        new Reconciler(
            context,
            new Reconciler.Outcome() {
              @Override
              public void found(PendingTask task, long epoch, TaskInfo info) {
                if (book.current(task, epoch)) {
                  log.info(
                      "The lost create of request {} had created task {}; adopted",
                      task.requestId(),
                      info.id());
                  created(task, info);
                } else {
                  context.metrics().orphaned();
                }
              }

              @Override
              public void notFound(PendingTask task, long epoch) {
                if (book.current(task, epoch)) {
                  book.requeue(task, false, context.clock().millis());
                }
              }
            });
  }

  Reconciler reconciler() {
    return reconciler;
  }

  /** Starts the create calls that may start now. */
  void dispatch(long now) {
    if (context.nimble().circuitOpen()) {
      return;
    }
    // at once, whatever the slots: the sooner the scan, the fewer tasks it reads back through,
    // and a task the previous owner created holds a slot at Nimble already
    for (PendingTask suspect : book.suspects(Integer.MAX_VALUE)) {
      book.lookingUp(suspect, now);
      reconciler.lookUp(
          suspect,
          book.epoch(suspect),
          body(suspect),
          suspect.sentAt(),
          book.settledAfter(suspect));
    }
    reconciler.dispatch(now);
    if (!gate.open(now) || book.queued() == 0) {
      return;
    }
    if (gate.denied()) {
      if (gate.probeWanted()) {
        PendingTask probe = refusals.probe(book.queuedHead(PROBE_CHOICES));
        gate.probing(probe);
        submit(probe, body(probe));
      }
      return;
    }
    int allowed = context.share().tasks();
    int free = allowed - book.slotsUsed();
    int maxCalls = context.policy().maxCallsInFlight();
    if (free <= 0 || callsInFlight >= maxCalls) {
      return;
    }
    List<PendingTask> head = book.queuedHead(free);
    if (!batch.enabled()) {
      for (int i = 0; i < head.size() && callsInFlight < maxCalls; i++) {
        submit(head.get(i), body(head.get(i)));
      }
      return;
    }
    if (!batchGoesNow(head.size(), allowed, free, now - head.get(0).queuedAt())) {
      return; // let more requests join the batch
    }
    List<PendingTask> grouped = new ArrayList<>();
    List<ObjectNode> bodies = new ArrayList<>();
    for (int i = 0; i < head.size() && callsInFlight < maxCalls; i++) {
      PendingTask task = head.get(i);
      if (task.alone()) {
        submit(task, body(task));
      } else {
        grouped.add(task);
        bodies.add(body(task));
      }
    }
    for (BatchPlanner.Group group :
        planner.plan(grouped, bodies, batch.maxSize(), tokens != null)) {
      if (callsInFlight >= maxCalls) {
        return; // no call left this round: the rest stay queued, in order
      }
      if (group.single()) {
        submit(group.tasks().get(0), group.inputs().get(0));
      } else {
        submitBatch(group);
      }
    }
  }

  /**
   * Whether the requests at the head of the queue go now, or wait for more to share their batch (a
   * batch is one call however many tasks it creates). They go when the batch cannot grow, when the
   * tasks this pod keeps queued at Nimble run short (half of those it may queue ahead are free) and
   * the short linger has passed, or when they have waited the longest linger.
   *
   * @param size the requests that would go, at most the free slots
   * @param allowed the tasks this pod may have at Nimble
   * @param waited how long the oldest of them has waited
   */
  private boolean batchGoesNow(int size, int allowed, int free, long waited) {
    if (size >= batch.maxSize() || waited >= batch.maxLinger().toMillis()) {
      return true;
    }
    int ahead = allowed - (int) Math.round(allowed * 100.0 / (100 + key.queueAheadPercent()));
    return free >= Math.max(1, ahead / 2) && waited >= batch.linger().toMillis();
  }

  private void submitBatch(BatchPlanner.Group group) {
    List<PendingTask> tasks = group.tasks();
    boolean callback = tokens != null && !group.shared().has("callback_url");
    if (callback) {
      String nonce = "batch-" + UUID.randomUUID();
      group.shared().put("callback_url", callbackUrl(tasks.get(0).partition(), nonce));
    }
    List<Long> epochs = new ArrayList<>();
    List<BooleanSupplier> fences = new ArrayList<>();
    long now = context.clock().millis();
    for (PendingTask task : tasks) {
      book.submitting(task, callback, now);
      epochs.add(book.epoch(task));
      fences.add(context.ownership().fence(task.partition(), book.epoch(task)));
    }
    submissionsInFlight += tasks.size();
    callsInFlight++;
    context.policy().spent(now);
    BooleanSupplier live = () -> fences.stream().allMatch(BooleanSupplier::getAsBoolean);
    context.answer(
        "batch",
        context.nimble().submitBatch(group.kind(), planner.batchBody(group), live),
        submission -> new LoopEvent.BatchSubmitted(tasks, epochs, submission),
        error -> new LoopEvent.BatchFailed(tasks, epochs, error));
  }

  private void submit(PendingTask task, ObjectNode body) {
    boolean callback = addCallback(body, task.kind(), task.partition(), task.requestId());
    long now = context.clock().millis();
    book.submitting(task, callback, now);
    submissionsInFlight++;
    callsInFlight++;
    context.policy().spent(now);
    long epoch = book.epoch(task);
    context.answer(
        "submit",
        context
            .nimble()
            .submit(task.kind(), body, context.ownership().fence(task.partition(), epoch)),
        info -> new LoopEvent.Submitted(task, epoch, info),
        error -> new LoopEvent.SubmitFailed(task, epoch, error));
  }

  /** A copy of the request's Nimble body, marked so its task can be recognised, to be sent. */
  static ObjectNode body(PendingTask task) {
    ObjectNode body = task.request().body().deepCopy();
    SubmissionMark.apply(body, task.kind(), SubmissionMark.of(task));
    return body;
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

  // ---- answers ----------------------------------------------------------------------------

  void submitted(LoopEvent.Submitted e) {
    submissionsInFlight--;
    callsInFlight--;
    gate.answered(e.task());
    gate.accepted(); // a task was created: the account is open, whoever asked
    if (book.current(e.task(), e.epoch())) {
      created(e.task(), e.info());
    } else {
      context.metrics().orphaned();
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
    gate.answered(e.task());
    if (book.current(e.task(), e.epoch())) {
      failed(e.task(), e.error());
    }
  }

  /**
   * Maps the batch's tasks back to their requests by the mark each task's input carries (by input
   * order only when Nimble echoes no input at all). A request no task proves to be its own is
   * looked up: its task may exist.
   */
  void batchSubmitted(LoopEvent.BatchSubmitted e) {
    submissionsInFlight -= e.tasks().size();
    callsInFlight--;
    List<TaskInfo> found = BatchAnswer.match(e.tasks(), e.batch(), Submitter::body);
    for (int i = e.tasks().size() - 1; i >= 0; i--) {
      PendingTask task = e.tasks().get(i);
      TaskInfo info = found.get(i);
      if (!book.current(task, e.epochs().get(i))) {
        if (info != null) {
          context.metrics().orphaned();
          log.warn(
              "Batch {} created task {} for request {} after its partition moved; the new owner"
                  + " looks it up or submits it again",
              e.batch().batchId(),
              info.id(),
              task.requestId());
        }
      } else if (info == null) {
        log.warn(
            "Batch {} returned no task that is request {}'s; looking it up",
            e.batch().batchId(),
            task.requestId());
        reconciler.lookUp(task, e.epochs().get(i), body(task), task.sentAt(), -1);
      } else {
        created(task, info, e.batch().batchId());
      }
    }
  }

  /**
   * A batch refused as a whole (4xx, a 403 included): one bad input must not fail its neighbours,
   * so each request is submitted on its own. Other errors put the requests back as a single failure
   * would.
   */
  void batchFailed(LoopEvent.BatchFailed e) {
    submissionsInFlight -= e.tasks().size();
    callsInFlight--;
    // a 4xx, or a 403 that may refuse one of its requests only: each is tried on its own
    boolean refused =
        e.error() instanceof NimbleException.Rejected
            || (e.error() instanceof NimbleException.AccessDenied denied
                && denied.httpStatus() == 403);
    if (refused) {
      log.info(
          "A batch of {} was refused ({}); submitting its requests one by one",
          e.tasks().size(),
          e.error().getMessage());
    }
    for (int i = e.tasks().size() - 1; i >= 0; i--) {
      PendingTask task = e.tasks().get(i);
      if (!book.current(task, e.epochs().get(i))) {
        continue;
      }
      if (refused) {
        book.requeue(task, true, context.clock().millis());
      } else {
        failed(task, e.error());
      }
    }
  }

  private void created(PendingTask task, TaskInfo info) {
    created(task, info, null);
  }

  /** The request's task exists ({@code batchId}: created in that batch, checked through it). */
  private void created(PendingTask task, TaskInfo info, String batchId) {
    try (MdcScope mdc = MdcScope.of(task)) {
      gate.accepted();
      refusals.accepted();
      if (task.attempts() > 0) {
        context.metrics().resubmitted();
      }
      long now = context.clock().millis();
      book.created(task, info.id(), batchId, now, context.policy().firstCheckAt(task, now));
      MDC.put("task_id", info.id());
      context.writer().record(task);
      recordedSinceCommit++;
      log.debug("Submitted request {} as task {}", task.requestId(), info.id());
    }
  }

  private void failed(PendingTask task, NimbleException error) {
    try (MdcScope mdc = MdcScope.of(task)) {
      if (error instanceof NimbleException.Rejected rejected) {
        log.debug("Nimble rejected request {}: {}", task.requestId(), error.getMessage());
        context.writer().fail(task, Stage.SUBMIT, error, rejected.details());
        return;
      }
      long now = context.clock().millis();
      if (error instanceof NimbleException.Unavailable u && u.fenced()) {
        book.requeue(task, false, now); // never sent: its partition is being given away
        return;
      }
      if (error instanceof NimbleException.Unavailable u && u.mayHaveCreated()) {
        log.debug(
            "The create of {} may have succeeded ({}); looking it up", task.requestId(), u.code());
        reconciler.lookUp(task, book.epoch(task), body(task), task.sentAt(), -1);
        gate.closedUntil(context.policy().submitRetryAt(now, error.retryAfter()));
        return;
      }
      if (error instanceof NimbleException.AccessDenied denied && denied.httpStatus() == 403) {
        forbidden(task, denied, now);
        return;
      }
      book.requeue(task, false, now);
      if (error instanceof NimbleException.AccessDenied denied) {
        gate.refused(denied, now);
      } else {
        log.debug("Submission of {} will be tried again: {}", task.requestId(), error.getMessage());
        gate.closedUntil(context.policy().submitRetryAt(now, error.retryAfter()));
      }
    }
  }

  /**
   * A 403: the request fails alone when Nimble refused it before and accepted another since;
   * otherwise submissions pause and another request probes at once (the first few times), so a
   * refusal of one request stops only that request.
   */
  private void forbidden(PendingTask task, NimbleException.AccessDenied denied, long now) {
    if (refusals.refused(task)) {
      log.info(
          "Nimble refuses request {} itself ({}) while it accepts others; failing it",
          task.requestId(),
          denied.getMessage());
      context
          .writer()
          .fail(task, Stage.SUBMIT, "FORBIDDEN", denied.getMessage(), denied.httpStatus(), null);
      return;
    }
    book.requeue(task, false, now);
    gate.refused(denied, now);
    if (refusals.refusedSinceAccepted() <= QUICK_PROBES) {
      gate.probeAt(now);
    }
  }

  // ---- for the loop -----------------------------------------------------------------------

  /** Why submissions are held back, if they are (for pausing and for health). */
  PauseReason submitBlock() {
    if (gate.reason() != null) {
      return gate.reason();
    }
    return context.nimble().circuitOpen() ? PauseReason.CIRCUIT_OPEN : null;
  }

  String accessDetail() {
    return gate.detail();
  }

  /** Create calls in flight, and creates whose answer was lost and that are being looked up. */
  int submissionsInFlight() {
    return submissionsInFlight + reconciler.pending();
  }

  /**
   * Create and look-up calls out now: what a drain waits for. Look-ups waiting for a later scan are
   * not waited for (no call of theirs is out); they keep the hand-over from being clean.
   */
  int callsOut() {
    return submissionsInFlight + reconciler.scanningNow();
  }

  /** Submissions a crash now would lose track of (in flight, or recorded but not committed). */
  int atRisk() {
    return submissionsInFlight() + recordedSinceCommit;
  }

  void committed() {
    recordedSinceCommit = 0;
  }

  /** Forgets what was waiting for a partition given away (its next owner looks it up). */
  void drop(int partition) {
    reconciler.forget(partition);
  }
}
