package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.callback.CallbackHint;
import dev.nimblekafka.config.TaskConfig;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskState;
import dev.nimblekafka.request.StorageDelivery;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.task.TaskPhase;
import java.util.OptionalLong;
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

  /** Status checks and result fetches in flight. */
  private int readsInFlight;

  Checker(TaskContext context, TaskConfig config, ObjectMapper json) {
    this.context = context;
    this.book = context.book();
    this.config = config;
    this.json = json;
  }

  /** Starts the status checks that are due, within the calls allowed in flight. */
  void dispatch(long now) {
    if (context.nimble().circuitOpen()) {
      return;
    }
    for (PendingTask task : book.due(now, context.policy().maxCallsInFlight() - readsInFlight)) {
      check(task);
    }
  }

  /**
   * A callback said a task ended: check it with Nimble now (a callback is never trusted as data). A
   * hint for a task this pod does not hold, or for another task id, changes nothing.
   */
  void hint(CallbackHint hint) {
    WorkerMetrics metrics = context.metrics();
    if (!book.owns(hint.partition())) {
      metrics.callback("not_owned");
      return;
    }
    PendingTask task = book.byTaskId(hint.partition(), hint.taskId());
    if (task == null) {
      PendingTask byRequest = book.byRequestId(hint.partition(), hint.scope());
      if (byRequest != null && byRequest.phase() == TaskPhase.SUBMITTING) {
        book.hinted(byRequest, hint.taskId()); // the callback overtook the submission's answer
        metrics.callback("early");
      } else if (book.submittingIn(hint.partition()) > 0) {
        book.hintedEarly(hint.partition(), hint.taskId()); // e.g. a batch's, before its answer
        metrics.callback("early");
      } else {
        metrics.callback("unknown_task");
      }
      return;
    }
    metrics.callback("hint");
    if (task.phase() == TaskPhase.WAITING) {
      if (readsInFlight < context.policy().maxCallsInFlight()) {
        check(task);
      } else {
        book.waitUntil(task, context.clock().millis()); // due at once, as the budget allows
      }
    } else if (task.phase() == TaskPhase.CHECKING) {
      book.hinted(task, task.taskId());
    }
  }

  private void check(PendingTask task) {
    book.checking(task);
    readsInFlight++;
    long epoch = book.epoch(task);
    context.answer(
        "status",
        context.nimble().task(task.taskId()),
        info -> new LoopEvent.Checked(task, epoch, info),
        error -> new LoopEvent.CheckFailed(task, epoch, error));
  }

  private void fetch(PendingTask task) {
    readsInFlight++;
    long epoch = book.epoch(task);
    context.answer(
        "results",
        context.nimble().results(task.taskId(), context.writer().resultLimit()),
        results -> new LoopEvent.Fetched(task, epoch, results),
        error -> new LoopEvent.FetchFailed(task, epoch, error));
  }

  // ---- answers ----------------------------------------------------------------------------

  void checked(LoopEvent.Checked e) {
    if (!answered(e.task(), e.epoch())) {
      return;
    }
    PendingTask task = e.task();
    TaskInfo info = e.info();
    try (MdcScope mdc = MdcScope.of(task)) {
      long now = context.clock().millis();
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

  void checkFailed(LoopEvent.CheckFailed e) {
    if (!answered(e.task(), e.epoch())) {
      return;
    }
    PendingTask task = e.task();
    NimbleException error = e.error();
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

  void fetched(LoopEvent.Fetched e) {
    if (!answered(e.task(), e.epoch())) {
      return;
    }
    try (MdcScope mdc = MdcScope.of(e.task())) {
      if (e.results().tooLarge()) {
        context.writer().tooLarge(e.task(), e.results().size(), e.results().url());
      } else {
        context.writer().publishResult(e.task(), e.results().body(), null, null);
      }
    }
  }

  void fetchFailed(LoopEvent.FetchFailed e) {
    if (!answered(e.task(), e.epoch())) {
      return;
    }
    PendingTask task = e.task();
    try (MdcScope mdc = MdcScope.of(task)) {
      if (e.error() instanceof NimbleException.Rejected rejected) {
        refused(task, Stage.RESULTS, rejected, "Nimble no longer has the results");
        return;
      }
      log.debug("Fetching results of {} failed: {}", task.taskId(), e.error().getMessage());
      book.waitUntil(task, context.policy().retryFetchAt(context.clock().millis()));
    }
  }

  /** A check or download answered: whether the answer still matters. */
  private boolean answered(PendingTask task, long epoch) {
    readsInFlight--;
    return book.current(task, epoch);
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
    OptionalLong created = info.createdAtMillis();
    OptionalLong modified = info.modifiedAtMillis();
    if (created.isPresent() && modified.isPresent()) {
      return modified.getAsLong() - created.getAsLong();
    }
    return now - task.submittedAt();
  }

  private static long completedAt(TaskInfo info, long fallback) {
    return info.modifiedAtMillis().orElse(fallback);
  }
}
