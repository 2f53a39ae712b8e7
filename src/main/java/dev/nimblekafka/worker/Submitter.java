package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.callback.CallbackEndpoint;
import dev.nimblekafka.callback.CallbackTokens;
import dev.nimblekafka.config.BatchConfig;
import dev.nimblekafka.config.CallbackConfig;
import dev.nimblekafka.config.KeyConfig;
import dev.nimblekafka.config.TaskConfig;
import dev.nimblekafka.config.TenantConfig;
import dev.nimblekafka.nimble.BatchSubmission;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.TaskBook;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
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
  private final CrawlLookUp crawls;
  private final TenantConfig tenants;
  private final TenantBudgets budgets;
  private final BudgetMeters budgetMeters;

  private int recordedSinceCommit;

  /**
   * Since when (epoch ms) this pod has had room for more tasks, -1 while it has none. With
   * callbacks on, a batch's linger counts from here, not from when its requests were read: the pod
   * hears of tasks ending one at a time, and in a backlog, where every request has waited long,
   * each slot freed would otherwise go out in a create call of its own. Polling hears of them a
   * read at a time, in groups, and a pod that waited on top of that let the tasks it keeps queued
   * at Nimble run out (three pods on one key: slot use 0.94 against 0.98).
   */
  private long roomSince = -1;

  /** Queued requests a probe is chosen from (one refused for itself must not hold the pod). */
  private static final int PROBE_CHOICES = 100;

  /** Different requests refused with a 403 in a row that are probed at once, before the wait. */
  private static final int QUICK_PROBES = 3;

  /** Requests of a tenant past its budget failed in one dispatch at most. */
  static final int BUDGET_FAILURES_PER_TURN = 1_000;

  Submitter(
      TaskContext context,
      TaskConfig config,
      KeyConfig key,
      BatchConfig batch,
      CallbackConfig callbacks,
      TenantConfig tenants,
      TenantBudgets budgets,
      BudgetMeters budgetMeters) {
    this.context = context;
    this.tenants = tenants;
    this.budgets = budgets;
    this.budgetMeters = budgetMeters;
    this.book = context.book();
    this.config = config;
    this.key = key;
    this.batch = batch;
    this.planner = new BatchPlanner();
    this.callbacks = callbacks;
    this.tokens = callbacks.enabled() ? new CallbackTokens(callbacks.secret()) : null;
    this.gate = new AccessGate(config.accessRecheckInterval());
    this.crawls = new CrawlLookUp(context, this::created);
    this.reconciler =
        new Reconciler(
            context,
            new Reconciler.Outcome() {
              @Override
              public void found(PendingTask task, TaskInfo info) {
                log.info(
                    "The lost create of request {} had created task {}; adopted",
                    task.requestId(),
                    info.id());
                created(task, info);
              }

              @Override
              public void notFound(PendingTask task) {
                book.requeue(task, false, context.clock().millis());
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
      if (suspect.kind() == Kind.CRAWL) {
        crawls.lookUp(suspect, book.settledAfter(suspect));
      } else {
        reconciler.lookUp(suspect, body(suspect), suspect.sentAt(), book.settledAfter(suspect));
      }
    }
    reconciler.dispatch(now);
    crawls.dispatch(now);
    if (budgets.any()) {
      budgets.refresh();
      if (tenants.overBudget() == TenantConfig.OverBudget.FAIL) {
        failOverBudget();
      }
    }
    if (!gate.open(now) || book.queued() == 0) {
      return;
    }
    if (gate.denied()) {
      if (gate.probeWanted()) {
        List<PendingTask> choices = book.queuedHead(PROBE_CHOICES, now, budgets::room);
        if (choices.isEmpty()) {
          return;
        }
        PendingTask probe = refusals.probe(choices);
        gate.probing(probe);
        submit(probe, body(probe));
      }
      return;
    }
    int allowed = context.share().tasks();
    int free = allowed - book.slotsUsed();
    int maxCalls = context.policy().maxCallsInFlight();
    if (free <= 0) {
      roomSince = -1;
      return;
    }
    if (roomSince < 0) {
      roomSince = now;
    }
    if (createCalls() >= maxCalls) {
      return;
    }
    List<PendingTask> head = book.queuedHead(free, now, tenant -> room(tenant, allowed));
    if (head.isEmpty()) {
      return; // every tenant with requests queued is at its limit or out of budget
    }
    if (!batch.enabled()) {
      for (int i = 0; i < head.size() && createCalls() < maxCalls; i++) {
        submit(head.get(i), body(head.get(i)));
      }
      return;
    }
    long waited = now - Math.max(head.get(0).queuedAt(), tokens != null ? roomSince : 0);
    if (!batchGoesNow(head.size(), allowed, free, waited)) {
      return; // let more requests join the batch
    }
    roomSince = -1; // what is left, if anything, lingers afresh
    List<PendingTask> grouped = new ArrayList<>();
    List<ObjectNode> bodies = new ArrayList<>();
    for (int i = 0; i < head.size() && createCalls() < maxCalls; i++) {
      PendingTask task = head.get(i);
      if (task.alone()) {
        submit(task, body(task));
      } else {
        grouped.add(task);
        bodies.add(body(task));
      }
    }
    for (BatchPlanner.Group group : planner.plan(grouped, bodies, batch.maxSize())) {
      if (createCalls() >= maxCalls) {
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
   * How many more tasks a tenant may have created by this pod now: a tenant with a limit ({@code
   * TENANT_MAX_TASKS}, across the fleet) gets the part of it this pod's share of the key's tasks is
   * of the fleet's, at least one.
   */
  private int room(String tenant, int allowed) {
    int budget = budgets.room(tenant); // TENANT_DAILY_TASKS: what this pod may still create today
    Integer limit = tenants.maxTasks().get(tenant);
    if (limit == null) {
      return budget;
    }
    long mine = (long) limit * allowed / Math.max(1, key.fleetTasks());
    return Math.min(budget, (int) Math.max(1, Math.min(limit, mine)) - book.slotsUsed(tenant));
  }

  /**
   * With {@code TENANT_OVER_BUDGET=fail}: the queued requests of a tenant whose daily budget is
   * spent fail (those to be looked up first are not: their task may exist).
   */
  private void failOverBudget() {
    for (String tenant : budgets.tenants()) {
      if (!budgets.spent(tenant)) {
        continue;
      }
      int budget = budgets.budget(tenant);
      for (PendingTask task : book.queuedOf(tenant, BUDGET_FAILURES_PER_TURN)) {
        try (MdcScope mdc = MdcScope.of(task)) {
          context
              .writer()
              .fail(
                  task,
                  Stage.SUBMIT,
                  "BUDGET_EXCEEDED",
                  "tenant "
                      + tenant
                      + " has spent its daily budget of "
                      + budget
                      + " tasks (TENANT_DAILY_TASKS) for today, UTC; TENANT_OVER_BUDGET=fail",
                  null,
                  JsonNodeFactory.instance
                      .objectNode()
                      .put("tenant", tenant)
                      .put("limit", budget)
                      .put("setting", "TENANT_DAILY_TASKS"));
          budgetMeters.exceeded(tenant);
        }
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
      Set<Integer> partitions = new TreeSet<>();
      tasks.forEach(task -> partitions.add(task.partition()));
      group.shared().put("callback_url", callbackUrl(partitions, nonce));
    }
    long now = context.clock().millis();
    for (PendingTask task : tasks) {
      book.submitting(task, callback, now);
    }
    context.policy().spent(now);
    JsonNode body = planner.batchBody(group);
    context
        .calls()
        .send(
            Calls.Lane.CREATE,
            "batch",
            tasks,
            live -> context.nimble().submitBatch(group.kind(), body, live),
            new Calls.Answer<BatchSubmission>() {
              @Override
              public void answered(List<PendingTask> live, BatchSubmission batch) {
                batchSubmitted(live, BatchAnswer.match(tasks, batch, Submitter::body), batch);
              }

              @Override
              public void failed(List<PendingTask> live, NimbleException error) {
                batchFailed(live, error);
              }

              @Override
              public void moved(List<PendingTask> moved, BatchSubmission batch) {
                Map<PendingTask, TaskInfo> found = BatchAnswer.match(tasks, batch, Submitter::body);
                for (PendingTask task : moved) {
                  if (found.get(task) != null) {
                    orphaned(task, found.get(task), "Batch " + batch.batchId());
                  }
                }
              }
            });
  }

  private void submit(PendingTask task, ObjectNode body) {
    if (task.kind() == Kind.CRAWL && task.crawl().endedBy() != null) {
      context.writer().canceledBeforeCreated(task);
      return; // e.g. a create to try again after the cancel came
    }
    boolean callback = addCallback(body, task.kind(), task.partition(), task.requestId());
    long now = context.clock().millis();
    book.submitting(task, callback, now);
    context.policy().spent(now);
    context
        .calls()
        .send(
            Calls.Lane.CREATE,
            "submit",
            List.of(task),
            live -> context.nimble().submit(task.kind(), body, live),
            new Calls.Answer<TaskInfo>() {
              @Override
              public void answered(List<PendingTask> live, TaskInfo info) {
                gate.answered(task);
                gate.accepted(); // a task was created: the account is open, whoever asked
                if (!live.isEmpty()) {
                  created(task, info);
                }
              }

              @Override
              public void failed(List<PendingTask> live, NimbleException error) {
                gate.answered(task);
                if (!live.isEmpty()) {
                  createFailed(task, error);
                }
              }

              @Override
              public void moved(List<PendingTask> moved, TaskInfo info) {
                orphaned(task, info, "The create");
              }
            });
  }

  /** Create calls (single or batch) out now, capped so a backlog never piles up HTTP calls. */
  private int createCalls() {
    return context.calls().calls(Calls.Lane.CREATE);
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
    if (kind == Kind.CRAWL) {
      if (body.hasNonNull("callback")) {
        return false; // the request's own: the worker reads the crawl on its own schedule
      }
      ObjectNode callback = body.putObject("callback");
      callback.put("url", callbackUrl(partition, scope));
      callback.putArray("events").add("page").add("completed").add("failed");
      return true;
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
    return callbackUrl(List.of(partition), scope);
  }

  private String callbackUrl(Collection<Integer> partitions, String scope) {
    String base = callbacks.baseUrl().toString().replaceAll("/+$", "");
    return base + CallbackEndpoint.PATH + tokens.token(partitions, scope);
  }

  // ---- answers ----------------------------------------------------------------------------

  /** A task created for a request whose partition moved meanwhile: the new owner's to find. */
  private void orphaned(PendingTask task, TaskInfo info, String by) {
    context.metrics().orphaned();
    log.warn(
        "{} created task {} for request {} after its partition moved; the new owner looks it up"
            + " or submits it again",
        by,
        info.id(),
        task.requestId());
  }

  /**
   * A batch answered, each request's task {@code found} by the mark its input carries (by input
   * order only when Nimble echoes no input at all). A request no task proves to be its own is
   * looked up: its task may exist.
   */
  private void batchSubmitted(
      List<PendingTask> live, Map<PendingTask, TaskInfo> found, BatchSubmission batch) {
    for (int i = live.size() - 1; i >= 0; i--) {
      PendingTask task = live.get(i);
      TaskInfo info = found.get(task);
      if (info == null) {
        log.warn(
            "Batch {} returned no task that is request {}'s; looking it up",
            batch.batchId(),
            task.requestId());
        reconciler.lookUp(task, body(task), task.sentAt(), -1);
      } else {
        created(task, info, batch.batchId());
      }
    }
  }

  /**
   * A batch refused as a whole (4xx, a 403 included): one bad input must not fail its neighbours,
   * so each request is submitted on its own. Other errors put the requests back as a single failure
   * would.
   */
  private void batchFailed(List<PendingTask> live, NimbleException error) {
    // a 4xx, or a 403 that may refuse one of its requests only: each is tried on its own
    boolean refused =
        error instanceof NimbleException.Rejected
            || (error instanceof NimbleException.AccessDenied denied && denied.httpStatus() == 403);
    if (refused) {
      log.info(
          "A batch of {} was refused ({}); submitting its requests one by one",
          live.size(),
          error.getMessage());
    }
    for (int i = live.size() - 1; i >= 0; i--) {
      PendingTask task = live.get(i);
      if (refused) {
        book.requeue(task, true, context.clock().millis());
      } else {
        createFailed(task, error);
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
      boolean ending = task.kind() == Kind.CRAWL && task.crawl().endedBy() != null;
      long firstCheck = ending ? now : context.policy().firstCheckAt(task, now); // cancel at once
      book.created(task, info.id(), batchId, now, firstCheck);
      MDC.put("task_id", info.id());
      context.writer().recordCreated(task);
      recordedSinceCommit++;
      log.debug("Submitted request {} as task {}", task.requestId(), info.id());
    }
  }

  private void createFailed(PendingTask task, NimbleException error) {
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
      if (error instanceof NimbleException.Unavailable u
          && u.mayHaveCreated()
          && task.kind() == Kind.CRAWL) {
        crawls.lookUp(task, -1);
        gate.closedUntil(context.policy().submitRetryAt(now, error.retryAfter()));
        return;
      }
      if (error instanceof NimbleException.Unavailable u && u.mayHaveCreated()) {
        log.debug(
            "The create of {} may have succeeded ({}); looking it up", task.requestId(), u.code());
        reconciler.lookUp(task, body(task), task.sentAt(), -1);
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
    return context.calls().tasks(Calls.Lane.CREATE) + reconciler.pending();
  }

  /**
   * Create and look-up calls out now: what a drain waits for. Look-ups waiting for a later scan are
   * not waited for (no call of theirs is out); they keep the hand-over from being clean.
   */
  int callsOut() {
    return context.calls().calls(Calls.Lane.CREATE) + context.calls().calls(Calls.Lane.SCAN);
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
