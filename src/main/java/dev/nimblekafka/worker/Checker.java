package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.callback.CallbackHint;
import dev.nimblekafka.config.TaskConfig;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskPage;
import dev.nimblekafka.nimble.TaskResults;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.request.StorageDelivery;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.PollPolicy;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.task.TaskPhase;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watching created tasks: status checks when the {@link dev.nimblekafka.task.PollPolicy} says they
 * are due (or at once on a callback's hint), then the result download, then the outcome. A task
 * Nimble failed is submitted again up to {@code TASK_MAX_ATTEMPTS}; one older than the retention,
 * or one Nimble no longer knows, expires.
 */
final class Checker {
  private static final Logger log = LoggerFactory.getLogger(Checker.class);

  private final TaskContext context;
  private final TaskBook book;
  private final TaskConfig config;
  private final ObjectMapper json;
  private final CrawlFollower crawls;

  Checker(TaskContext context, TaskConfig config, ObjectMapper json) {
    this(context, config, json, tenant -> Long.MAX_VALUE);
  }

  /**
   * @param remaining a tenant's daily budget left as the pod knows it ({@code Long.MAX_VALUE}:
   *     none); its crawls end when it runs out
   */
  Checker(
      TaskContext context,
      TaskConfig config,
      ObjectMapper json,
      java.util.function.ToLongFunction<String> remaining) {
    this.context = context;
    this.book = context.book();
    this.config = config;
    this.json = json;
    this.crawls = new CrawlFollower(context, json, remaining, config.retention().toMillis());
  }

  /** Who follows the crawls this pod holds. */
  CrawlFollower crawls() {
    return crawls;
  }

  /** Tasks taken off the timers in one turn at most. */
  private static final int DUE_AT_ONCE = 10_000;

  /**
   * Starts the status reads that are due, as the {@link dev.nimblekafka.task.PollPolicy} plans
   * them: in bulk where one call serves many tasks, within the calls allowed in flight and the
   * budget.
   */
  void dispatch(long now) {
    if (context.nimble().circuitOpen()) {
      return;
    }
    List<PendingTask> due = book.due(now, DUE_AT_ONCE);
    due = crawlsOf(due);
    crawls.dispatch();
    int room = context.policy().maxCallsInFlight() - readsOut(); // after the crawls' reads
    if (due.isEmpty()) {
      return;
    }
    if (room <= 0) {
      due.forEach(task -> book.waitUntil(task, now)); // due again, as the budget allows
      return;
    }
    PollPolicy.Reads reads = context.policy().plan(due, now, room);
    if (reads.listRead()) {
      readLatest(reads.listed(), now);
    }
    reads.batches().forEach(this::readBatch);
    reads.singles().forEach(this::check);
    reads.later().forEach(book::waitUntil);
  }

  /** Reads the due crawls (a read each), and gives back the other due tasks. */
  private List<PendingTask> crawlsOf(List<PendingTask> due) {
    List<PendingTask> tasks = new ArrayList<>(due.size());
    for (PendingTask task : due) {
      if (task.kind() != dev.nimblekafka.request.Kind.CRAWL) {
        tasks.add(task);
      } else if (readsOut() < context.policy().maxCallsInFlight()) {
        crawls.check(task);
      } else {
        book.waitUntil(task, context.clock().millis()); // due again, as the budget allows
      }
    }
    return tasks;
  }

  /**
   * A callback said a task ended. One that says it succeeded sends the task straight to its
   * results: the authenticated results call is the check. Any other is checked with Nimble (a
   * callback is never trusted as data). A hint for a task this pod does not hold, or for another
   * task id, changes nothing.
   */
  void hint(CallbackHint hint, long receivedNanos) {
    WorkerMetrics metrics = context.metrics();
    List<Integer> owned = new ArrayList<>(1);
    for (int partition : hint.partitions()) {
      if (book.owns(partition)) {
        owned.add(partition);
      }
    }
    if (owned.isEmpty()) {
      metrics.callback("not_owned");
      return;
    }
    PendingTask task = null;
    PendingTask byRequest = null;
    for (int partition : owned) {
      task = task != null ? task : book.byTaskId(partition, hint.taskId());
      byRequest = byRequest != null ? byRequest : book.byRequestId(partition, hint.scope());
    }
    PendingTask crawl = task != null ? task : byRequest;
    if (crawl != null && crawl.kind() == dev.nimblekafka.request.Kind.CRAWL) {
      metrics.callback("hint");
      crawls.hinted(crawl); // of the crawl or one of its pages: read the crawl soon
      return;
    }
    if (task == null) {
      early(hint, owned, byRequest);
      return;
    }
    metrics.callback("hint");
    long now = context.clock().millis();
    if (task.phase() == TaskPhase.WAITING) {
      if (readsOut() >= context.policy().maxCallsInFlight()) {
        book.waitUntil(task, now); // due at once, as the budget allows
      } else if (hint.reportsSuccess() && task.request().delivery() == null) {
        hint.task().workedMillis().ifPresent(context.policy()::observeDuration);
        long finishedAt = completedAt(hint.task(), now);
        book.fetchingOnCallback(task, finishedAt);
        fetch(task, new CallbackPath(receivedNanos, finishedAt, now, System::nanoTime));
      } else {
        check(task);
      }
    } else if (task.phase() == TaskPhase.CHECKING) {
      book.hinted(task, task.taskId());
    }
  }

  /**
   * A hint naming a task this pod does not hold under the hint's partitions: a create whose answer
   * has not come yet (kept, so the task is checked at once when it does), or none.
   */
  private void early(CallbackHint hint, List<Integer> owned, PendingTask byRequest) {
    WorkerMetrics metrics = context.metrics();
    if (byRequest != null && byRequest.phase() == TaskPhase.SUBMITTING) {
      book.hinted(byRequest, hint.taskId()); // the callback overtook the submission's answer
      metrics.callback("early");
      return;
    }
    boolean kept = false;
    for (int partition : owned) {
      if (book.submittingIn(partition) > 0) {
        book.hintedEarly(partition, hint.taskId()); // e.g. a batch's, before its answer
        kept = true;
      }
    }
    metrics.callback(kept ? "early" : "unknown_task");
  }

  /** Status checks, bulk reads and result downloads out now. */
  private int readsOut() {
    return context.calls().calls(Calls.Lane.READ);
  }

  private void check(PendingTask task) {
    book.checking(task);
    context
        .calls()
        .send(
            Calls.Lane.READ,
            "status",
            List.of(task),
            live -> context.nimble().task(task.taskId(), live),
            Calls.Answer.ofOne(
                info -> apply(task, info, context.clock().millis()),
                error -> checkFailed(task, error)));
  }

  /** One read of the account's latest tasks for every task bulk reads cover that is due. */
  private void readLatest(List<PendingTask> tasks, long now) {
    tasks.forEach(book::checking);
    context.policy().listSent(now);
    context
        .calls()
        .send(
            Calls.Lane.READ,
            "list_states",
            tasks,
            live -> context.nimble().latestStates(context.policy().listLimit(), live),
            bulk(null, Checker::listed));
  }

  /** One read of a batch for its tasks that are due. */
  private void readBatch(String batchId, List<PendingTask> tasks) {
    tasks.forEach(book::checking);
    context
        .calls()
        .send(
            Calls.Lane.READ,
            "batch_status",
            tasks,
            live -> context.nimble().batch(batchId, live),
            bulk(batchId, shown -> shown));
  }

  /**
   * Who hears a bulk read: of a batch ({@code batchId}) or of the latest tasks (null), whose answer
   * shows these tasks.
   */
  private <T> Calls.Answer<T> bulk(String batchId, Function<T, List<TaskInfo>> shows) {
    return new Calls.Answer<>() {
      @Override
      public void answered(List<PendingTask> live, T answer) {
        bulkRead(batchId, live, shows.apply(answer));
      }

      @Override
      public void failed(List<PendingTask> live, NimbleException error) {
        bulkReadFailed(batchId, live, error);
      }
    };
  }

  private static List<TaskInfo> listed(TaskPage page) {
    List<TaskInfo> shown = new ArrayList<>(page.tasks().size());
    for (TaskPage.Listed listed : page.tasks()) {
      shown.add(listed.info());
    }
    return shown;
  }

  private void fetch(PendingTask task) {
    fetch(task, null);
  }

  /** Downloads the task's results; {@code path}, when a callback sent it here, times the way. */
  private void fetch(PendingTask task, CallbackPath path) {
    context.policy().spent(context.clock().millis());
    long limit = context.writer().resultLimit();
    context
        .calls()
        .send(
            Calls.Lane.READ,
            "results",
            List.of(task),
            path == null
                ? live -> context.nimble().results(task.taskId(), limit, live)
                : live ->
                    path.answering(
                        context.nimble().results(task.taskId(), limit, path.sending(live))),
            Calls.Answer.ofOne(
                results -> fetched(task, results, path), error -> fetchFailed(task, error)));
  }

  // ---- answers ----------------------------------------------------------------------------

  /**
   * A bulk read answered. Each task it was made for that it shows is settled as a status check
   * would settle it; one it does not show is read on its own (or through its batch) next. Tasks it
   * shows finished that were not due yet are settled too: that answer cost nothing more.
   */
  private void bulkRead(String batchId, List<PendingTask> live, List<TaskInfo> answered) {
    long now = context.clock().millis();
    boolean list = batchId == null;
    if (list) {
      context.policy().listAnswered(now, false, false);
    }
    Map<String, TaskInfo> shown = new HashMap<>();
    for (TaskInfo info : answered) {
      if (info != null && info.id() != null) {
        shown.put(info.id(), info);
      }
    }
    for (PendingTask task : live) {
      TaskInfo info = shown.remove(task.taskId());
      if (info != null) {
        apply(task, info, now);
      } else {
        if (list) {
          book.unlisted(task);
        } else {
          book.leftBatch(task);
        }
        book.waitUntil(task, now); // read on its own next
      }
    }
    for (TaskInfo info : shown.values()) {
      if (info.state().isTerminal()) {
        PendingTask task = book.byTaskId(info.id());
        if (task != null && task.phase() == TaskPhase.WAITING && !task.callback()) {
          book.checking(task);
          apply(task, info, now);
        }
      }
    }
  }

  private void bulkReadFailed(String batchId, List<PendingTask> live, NimbleException error) {
    long now = context.clock().millis();
    boolean list = batchId == null;
    boolean refused = error instanceof NimbleException.Rejected;
    if (list) {
      context.policy().listAnswered(now, true, refused);
      if (refused) {
        log.warn(
            context.policy().listRefused()
                ? "Nimble refused a read of the account's latest tasks ({}); tasks are read by"
                    + " batch and one by one from now on"
                : "Nimble refused a read of the account's latest tasks ({}); trying its default"
                    + " page size",
            error.getMessage());
      }
    }
    for (PendingTask task : live) {
      if (refused) {
        if (!list) {
          book.leftBatch(task); // e.g. 404 Batch not found: each task answers for itself
        }
        book.waitUntil(task, now);
      } else if (expired(task, now)) {
        expire(task);
      } else {
        book.waitUntil(task, context.policy().retryCheckAt(task, now, error.retryAfter()));
      }
    }
  }

  /** Settles a task on what Nimble said of it (it is being checked). */
  private void apply(PendingTask task, TaskInfo info, long now) {
    try (MdcScope mdc = MdcScope.of(task)) {
      TaskState state = info.state();
      if (state == TaskState.SUCCEEDED) {
        succeeded(task, info, now);
      } else if (state == TaskState.FAILED) {
        taskFailed(task, info, now);
      } else if (expired(task, now)) {
        expire(task);
      } else {
        book.waitUntil(task, context.policy().nextCheckAt(task, book.takeHint(task), now));
      }
    }
  }

  private void checkFailed(PendingTask task, NimbleException error) {
    try (MdcScope mdc = MdcScope.of(task)) {
      if (error instanceof NimbleException.Rejected rejected) {
        refused(task, Stage.TASK, rejected, "Nimble no longer knows the task");
        return;
      }
      long now = context.clock().millis();
      if (expired(task, now)) {
        expire(task);
        return;
      }
      log.debug("Status check of {} failed: {}", task.taskId(), error.getMessage());
      book.waitUntil(task, context.policy().retryCheckAt(task, now, error.retryAfter()));
    }
  }

  private void fetched(PendingTask task, TaskResults results, CallbackPath path) {
    try (MdcScope mdc = MdcScope.of(task)) {
      if (results.tooLarge()) {
        context.writer().tooLarge(task, results.size(), results.url());
      } else {
        context.writer().publishResult(task, results.body(), null, null);
        if (path != null) {
          path.published(context.metrics());
        }
      }
    }
  }

  private void fetchFailed(PendingTask task, NimbleException error) {
    try (MdcScope mdc = MdcScope.of(task)) {
      if (task.unconfirmed()) {
        // only a callback said it was done: whatever the fetch answered, ask the task itself
        log.debug("Fetching results of {} on a callback failed: {}", task.taskId(), error);
        book.waitUntil(task, context.clock().millis());
        return;
      }
      if (error instanceof NimbleException.Rejected rejected) {
        refused(task, Stage.RESULTS, rejected, "Nimble no longer has the results");
        return;
      }
      log.debug("Fetching results of {} failed: {}", task.taskId(), error.getMessage());
      book.waitUntil(task, context.policy().retryFetchAt(context.clock().millis()));
    }
  }

  private void succeeded(PendingTask task, TaskInfo info, long now) {
    context.policy().observeDuration(duration(task, info, now));
    long completedAt = completedAt(info, now);
    StorageDelivery delivery = task.request().delivery();
    if (delivery == null) {
      book.fetching(task, completedAt);
      fetch(task);
      return;
    }
    book.succeeded(task, completedAt);
    String location =
        info.outputUrl() != null ? info.outputUrl() : delivery.objectUrl(task.taskId());
    context.writer().publishResult(task, null, location, delivery.type());
  }

  private void taskFailed(PendingTask task, TaskInfo info, long now) {
    String why = info.error() != null ? info.error() : "Nimble reported the task failed";
    if (task.attempts() < config.maxAttempts()) {
      log.info(
          "Task {} of request {} failed ({}); submitting again (attempt {} of {})",
          task.taskId(),
          task.requestId(),
          why,
          task.attempts() + 1,
          config.maxAttempts());
      book.requeue(task, false, now);
      // recorded, so that a crash while the new create is out has it looked up, not sent again
      context.writer().record(task);
      return;
    }
    JsonNode details =
        json.createObjectNode()
            .put("task_state", info.wireState())
            .put("error_type", info.errorType());
    context.writer().fail(task, Stage.TASK, "TASK_FAILED", why, null, details);
  }

  /** A 4xx: a 404 means Nimble no longer has the task (it expired); any other ends the request. */
  private void refused(PendingTask task, Stage stage, NimbleException.Rejected error, String gone) {
    if (error.httpStatus() == 404) {
      context.writer().expire(task, gone + " (" + error.getMessage() + ")", 404);
    } else {
      context.writer().fail(task, stage, error, error.details());
    }
  }

  private boolean expired(PendingTask task, long now) {
    return now - task.firstSubmittedAt() > config.retention().toMillis();
  }

  private void expire(PendingTask task) {
    context
        .writer()
        .expire(task, "the task is older than the retention of " + config.retention(), null);
  }

  /** How long Nimble worked on the task by its own clock, else by the worker's. */
  private static long duration(PendingTask task, TaskInfo info, long now) {
    return info.workedMillis().orElse(now - task.submittedAt());
  }

  private static long completedAt(TaskInfo info, long fallback) {
    return info.modifiedAtMillis().orElse(fallback);
  }
}
