package dev.nimblekafka.worker;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.nimble.CrawlStatus;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskResults;
import dev.nimblekafka.publish.CrawlPage;
import dev.nimblekafka.task.CrawlProgress;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.task.TaskPhase;
import java.io.IOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.ToLongFunction;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Following the crawls this pod holds: each is read ({@code GET /crawl/{id}}) every {@link
 * #POLL_MS} (or soon after a callback says something happened), every page Nimble lists as ended
 * and not yet published is read ({@code /tasks/{id}/results}, or the task itself for a page that
 * failed) and published as a page record, and once Nimble has ended the crawl and every ended page
 * is published the crawl's summary is the request's outcome.
 *
 * <p>Exactly once: which pages are published is a bit per page in the request's state record
 * ({@link CrawlProgress}), rewritten right before each commit for the crawls whose pages were
 * published since the last, in the same unit of work as those page records. A crash loses both or
 * neither; the pages it lost are read again by the next owner.
 *
 * <p>A crawl ends early when a cancel record names its request, or when its tenant's daily budget
 * ({@code TENANT_DAILY_TASKS}) is spent: Nimble is asked to cancel it, the pages that ran are
 * published, and the summary says why ({@code ended_by}).
 *
 * <p>Calls: page reads are capped at {@link #MAX_PAGE_READS} out at once for the whole pod, and
 * each goes through the same pacer as every other call, so a crawl never takes the key from the
 * other requests: it gets what they leave, up to the cap. Used by the consume loop's thread only.
 */
final class CrawlFollower {
  private static final Logger log = LoggerFactory.getLogger(CrawlFollower.class);

  /** Page reads out at once, for all the crawls of the pod. */
  static final int MAX_PAGE_READS = 16;

  /** How often a running crawl is read when no callback tells the worker about it. */
  static final long POLL_MS = 5_000;

  /** How often a crawl whose callbacks come to the worker is read anyway. */
  static final long POLL_WITH_CALLBACKS_MS = 30_000;

  /** The least time between two reads of a crawl that callbacks ask for. */
  static final long HINTED_EVERY_MS = 1_000;

  private final TaskContext context;
  private final TaskBook book;
  private final ObjectMapper json;
  private final ToLongFunction<String> remaining;
  private final long retentionMs;
  private final Set<PendingTask> followed = new LinkedHashSet<>();
  private int reading;

  /**
   * @param remaining a tenant's daily budget left as the pod knows it ({@code Long.MAX_VALUE}:
   *     none)
   * @param retentionMs how long a crawl may run before the worker ends it ({@code TASK_RETENTION})
   */
  CrawlFollower(
      TaskContext context, ObjectMapper json, ToLongFunction<String> remaining, long retentionMs) {
    this.context = context;
    this.book = context.book();
    this.json = json;
    this.remaining = remaining;
    this.retentionMs = retentionMs;
  }

  /** Reads the crawl: its state and its page list. */
  void check(PendingTask task) {
    book.checking(task);
    context
        .calls()
        .send(
            Calls.Lane.READ,
            "crawl_status",
            List.of(task),
            live -> context.nimble().crawl(task.taskId(), live),
            Calls.Answer.ofOne(status -> read(task, status), error -> readFailed(task, error)));
  }

  /**
   * A cancel record named the crawl's request: Nimble is asked to cancel the crawl (now, or once
   * its create is answered); the pages that ran are still published, and the summary says {@code
   * ended_by: cancel}.
   */
  void cancel(PendingTask task) {
    end(task, "cancel");
  }

  /**
   * The worker ends the crawl for {@code why}: saved at once in its state record (in the unit of
   * work that commits the record that asked, a cancel's offset), and Nimble asked to cancel it as
   * soon as it may: now, or once its create is answered (its first read is then due at once).
   */
  void end(PendingTask task, String why) {
    CrawlProgress progress = task.crawl();
    progress.end(why);
    progress.takeDirty();
    context.writer().record(task);
    if (task.taskId() != null) {
      followed.add(task);
    }
    long now = context.clock().millis();
    if (task.phase() == TaskPhase.WAITING && progress.cancelDue(now, POLL_MS)) {
      sendCancel(task, now);
    }
  }

  private void sendCancel(PendingTask task, long now) {
    CrawlProgress progress = task.crawl();
    progress.cancelSent(now);
    cancelCall(
        task,
        new Calls.Answer<>() {
          @Override
          public void answered(List<PendingTask> live, JsonNode answer) {
            progress.cancelAnswered();
            if (!live.isEmpty()) {
              log.info("Crawl {} canceled ({})", task.taskId(), progress.endedBy());
              readSoon(task);
            }
          }

          @Override
          public void failed(List<PendingTask> live, NimbleException error) {
            progress.cancelAnswered();
            if (!live.isEmpty()) {
              // 400: it ended meanwhile; anything else is asked again on the next read
              log.debug("Cancelling crawl {} failed: {}", task.taskId(), error.getMessage());
              readSoon(task);
            }
          }
        });
  }

  /** {@code DELETE /crawl/{id}} for the crawl of {@code task}; {@code answer} hears how it went. */
  private void cancelCall(PendingTask task, Calls.Answer<JsonNode> answer) {
    context
        .calls()
        .send(
            Calls.Lane.READ,
            "crawl_cancel",
            List.of(task),
            live -> context.nimble().cancelCrawl(task.taskId(), live),
            answer);
  }

  private void readSoon(PendingTask task) {
    if (task.phase() == TaskPhase.WAITING) {
      book.waitUntil(task, context.clock().millis());
    }
  }

  /** A callback said something of the crawl, or of one of its pages: read it soon. */
  void hinted(PendingTask task) {
    if (task.phase() == TaskPhase.CHECKING) {
      task.crawl().hinted(); // read again soon after the read that is out
      return;
    }
    if (task.phase() != TaskPhase.WAITING) {
      return;
    }
    long soon = context.clock().millis() + HINTED_EVERY_MS;
    if (task.dueAt() > soon) {
      book.waitUntil(task, soon); // a burst of callbacks costs one read a second at most
    }
  }

  /**
   * Writes the state record of every crawl whose pages were published since the last commit, into
   * the unit of work about to commit: they commit with those page records.
   */
  void flush() {
    for (Iterator<PendingTask> it = followed.iterator(); it.hasNext(); ) {
      PendingTask task = it.next();
      if (task.phase() == TaskPhase.DONE) {
        it.remove();
      } else if (task.crawl().takeDirty()) {
        context.writer().record(task);
      }
    }
  }

  /**
   * Starts page reads as the cap and the calls allowed in flight let, a page of each crawl in turn.
   */
  void dispatch() {
    if (context.nimble().circuitOpen()) {
      return;
    }
    // while other requests have reads out or creates waiting, crawls take a quarter of the cap
    int cap =
        context.calls().calls(Calls.Lane.READ) > reading || book.queued() > 0
            ? MAX_PAGE_READS / 4
            : MAX_PAGE_READS;
    long now = context.clock().millis();
    boolean started = true;
    while (started && reading < cap && room()) {
      started = false;
      for (PendingTask task : followed) {
        if (reading >= cap || !room()) {
          break;
        }
        if (task.phase() == TaskPhase.DONE || task.crawl().readsPaused(now)) {
          continue;
        }
        CrawlProgress.Page page = task.crawl().nextToRead();
        if (page != null) {
          readPage(task, page);
          started = true;
        }
      }
    }
  }

  private boolean room() {
    return context.calls().calls(Calls.Lane.READ) < context.policy().maxCallsInFlight();
  }

  // ---- the crawl --------------------------------------------------------------------------

  private void read(PendingTask task, CrawlStatus status) {
    try (MdcScope mdc = MdcScope.of(task)) {
      CrawlProgress progress = task.crawl();
      CrawlProgress.Read read = progress.read(status);
      if (read.orderChanged()) {
        context.metrics().crawlOrderChanged();
        log.warn(
            "Crawl {} lists the pages it listed before in another order; pages are matched by"
                + " their place in the list, so some may be published twice or not at all",
            task.taskId());
      }
      long now = context.clock().millis();
      if (!progress.state().ended()) {
        // its pages are the tenant's tasks: those that ran count, published or not yet
        long ran = progress.listed() - progress.pendingPages();
        long unpublished = ran - progress.succeeded() - progress.failed();
        long left = remaining.applyAsLong(task.request().placement().tenant());
        if (left != Long.MAX_VALUE && left - unpublished <= 0) {
          progress.end("budget");
        }
      }
      if (!progress.state().ended() && now - task.firstSubmittedAt() > retentionMs) {
        progress.end("retention"); // a crawl that never ends would be followed for ever
      }
      if (progress.finished() || abandoned(task, now)) {
        summarize(task); // abandoned: a crawl still running a retention after its cancel
        return;
      }
      followed.add(task);
      long next = now + (task.callback() ? POLL_WITH_CALLBACKS_MS : POLL_MS);
      if (progress.state().ended() || progress.endedBy() != null) {
        next = now + POLL_MS; // its last pages are being read, or its cancel watched
      }
      if (progress.takeHinted()) {
        next = Math.min(next, now + HINTED_EVERY_MS);
      }
      book.waitUntil(task, next);
      if (progress.cancelDue(now, POLL_MS)) {
        sendCancel(task, now);
      }
    }
  }

  /** A crawl still running a retention after the worker ended it: summed up as it stands. */
  private boolean abandoned(PendingTask task, long now) {
    return now - task.firstSubmittedAt() > 2 * retentionMs && !task.crawl().reading();
  }

  private void readFailed(PendingTask task, NimbleException error) {
    try (MdcScope mdc = MdcScope.of(task)) {
      long now = context.clock().millis();
      if (abandoned(task, now)) {
        summarize(task); // a crawl that cannot be read for two retentions
        return;
      }
      if (error instanceof NimbleException.Rejected rejected && rejected.httpStatus() == 404) {
        if (task.crawl().reading()) {
          book.waitUntil(task, now + POLL_MS);
          return;
        }
        context
            .writer()
            .expire(task, "Nimble no longer knows crawl " + task.taskId(), rejected.httpStatus());
        return;
      }
      if (error instanceof NimbleException.Rejected rejected) {
        // it cannot be followed: it is canceled (best effort) so it costs nothing more
        cancelCall(task, Calls.Answer.ofOne(answer -> {}, cancelError -> {}));
        context.writer().fail(task, Stage.TASK, rejected, rejected.details());
        return;
      }
      if (now - task.firstSubmittedAt() > retentionMs) {
        task.crawl().end("retention");
      }
      log.debug("Reading crawl {} failed: {}", task.taskId(), error.getMessage());
      book.waitUntil(task, context.policy().retryCheckAt(task, now, error.retryAfter()));
    }
  }

  /** Nimble ended the crawl and every page it ran is published: the request's outcome. */
  private void summarize(PendingTask task) {
    CrawlProgress progress = task.crawl();
    ObjectNode summary = json.createObjectNode();
    summary.put("crawl_id", task.taskId());
    summary.put("crawl_state", progress.state().wire());
    summary.put("nimble_state", progress.wireState());
    summary.put("ended_by", progress.endedBy() == null ? "nimble" : progress.endedBy());
    ObjectNode pages = summary.putObject("pages");
    pages.put("listed", progress.listed());
    pages.put("succeeded", progress.succeeded());
    pages.put("failed", progress.failed());
    pages.put("not_run", progress.pendingPages());
    summary.put("started_at", Instant.ofEpochMilli(task.firstSubmittedAt()).toString());
    long now = context.clock().millis();
    summary.put("ended_at", Instant.ofEpochMilli(now).toString());
    summary.put("duration_ms", Math.max(0, now - task.firstSubmittedAt()));
    followed.remove(task);
    try {
      context.writer().publishCrawlSummary(task, json.writeValueAsBytes(summary));
    } catch (IOException e) {
      throw new IllegalStateException("a summary is always writable", e);
    }
  }

  // ---- its pages --------------------------------------------------------------------------

  private void readPage(PendingTask task, CrawlProgress.Page page) {
    reading++;
    if (page.failed()) {
      context
          .calls()
          .send(
              Calls.Lane.READ,
              "crawl_page_status",
              List.of(task),
              live -> context.nimble().task(page.taskId(), live),
              pageAnswer(task, page, info -> failedPage(task, page, info)));
    } else {
      context.policy().spent(context.clock().millis());
      context
          .calls()
          .send(
              Calls.Lane.READ,
              "crawl_page",
              List.of(task),
              live -> context.nimble().results(page.taskId(), context.writer().resultLimit(), live),
              pageAnswer(task, page, results -> fetchedPage(task, page, results)));
    }
  }

  /** Who hears a page read: the count of reads out drops whatever became of the crawl. */
  private <T> Calls.Answer<T> pageAnswer(
      PendingTask task, CrawlProgress.Page page, java.util.function.Consumer<T> answered) {
    return new Calls.Answer<>() {
      @Override
      public void answered(List<PendingTask> live, T value) {
        reading--;
        if (!live.isEmpty()) {
          try (MdcScope mdc = MdcScope.of(task)) {
            answered.accept(value);
          }
        }
      }

      @Override
      public void failed(List<PendingTask> live, NimbleException error) {
        reading--;
        if (!live.isEmpty()) {
          try (MdcScope mdc = MdcScope.of(task)) {
            pageReadFailed(task, page, error);
          }
        }
      }
    };
  }

  private void fetchedPage(PendingTask task, CrawlProgress.Page page, TaskResults results) {
    if (results.tooLarge()) {
      tooLarge(task, page, results.size(), results.url());
      return;
    }
    CrawlPage record = page(task, page, urlOf(results.body()), results.body(), null, null, null);
    boolean written;
    try {
      written = context.writer().publishPage(task, record);
    } catch (IllegalArgumentException notJson) {
      publish(
          task,
          page(task, page, null, null, "INVALID_RESULT", "Nimble's result is not JSON", null),
          page);
      return;
    }
    if (!written) {
      tooLarge(task, page, results.body().length, context.nimble().resultsUrl(page.taskId()));
      return;
    }
    published(task, page, true);
  }

  private void tooLarge(PendingTask task, CrawlProgress.Page page, long size, String url) {
    ObjectNode details =
        json.createObjectNode()
            .put("results_url", url)
            .put("size_bytes", size)
            .put("limit_bytes", context.writer().resultLimit());
    publish(
        task,
        page(
            task,
            page,
            null,
            null,
            "RESULT_TOO_LARGE",
            "the page's result is larger than the limit of "
                + context.writer().resultLimit()
                + " bytes; download it from "
                + url
                + " while Nimble retains it",
            details),
        page);
  }

  private void failedPage(PendingTask task, CrawlProgress.Page page, TaskInfo info) {
    String why = info.error() != null ? info.error() : "Nimble reported the page failed";
    ObjectNode details = json.createObjectNode();
    details.put("task_state", info.wireState());
    if (info.errorType() != null) {
      details.put("error_type", info.errorType());
    }
    publish(task, page(task, page, null, null, "PAGE_FAILED", why, details), page);
  }

  private void pageReadFailed(PendingTask task, CrawlProgress.Page page, NimbleException error) {
    if (error instanceof NimbleException.Rejected rejected && rejected.httpStatus() == 404) {
      publish(
          task,
          page(
              task,
              page,
              null,
              null,
              "TASK_EXPIRED",
              "Nimble no longer has the page's task (" + error.getMessage() + ")",
              null),
          page);
      return;
    }
    if (error instanceof NimbleException.Rejected rejected) {
      publish(
          task,
          page(
              task,
              page,
              null,
              null,
              rejected.code(),
              "Nimble refuses to give the page (" + error.getMessage() + ")",
              rejected.details()),
          page);
      return;
    }
    log.debug("Reading page {} of crawl {} failed: {}", page.taskId(), task.taskId(), error);
    task.crawl().readAgain(page);
    task.crawl().readFailed(context.clock().millis());
    followed.add(task);
  }

  private void publish(PendingTask task, CrawlPage record, CrawlProgress.Page page) {
    if (!context.writer().publishPage(task, record)) {
      throw new IllegalStateException("a failed page's record always fits");
    }
    published(task, page, false);
  }

  private void published(PendingTask task, CrawlProgress.Page page, boolean succeeded) {
    CrawlProgress progress = task.crawl();
    progress.published(page, succeeded);
    if (progress.finished() && task.phase() == TaskPhase.WAITING) {
      summarize(task); // else the read of the crawl that is out sums it up
    }
  }

  private CrawlPage page(
      PendingTask task,
      CrawlProgress.Page page,
      String url,
      byte[] result,
      String code,
      String message,
      JsonNode details) {
    return new CrawlPage(
        task.requestId(),
        task.taskId(),
        page.index(),
        page.taskId(),
        url,
        context.clock().millis(),
        result,
        code,
        message,
        details,
        task.request().placement(),
        task.request().metadata(),
        context.writer().headersOf(task));
  }

  /** The page's URL: the result's top-level {@code url}, read without building the result. */
  private String urlOf(byte[] body) {
    try (JsonParser parser = json.getFactory().createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken value = parser.nextToken();
        if (name.equals("url") && value == JsonToken.VALUE_STRING) {
          return parser.getText();
        }
        parser.skipChildren();
      }
    } catch (IOException | RuntimeException e) {
      return null;
    }
    return null;
  }

  /** Crawls followed now (for tests and health). */
  List<PendingTask> followed() {
    return new ArrayList<>(followed);
  }
}
