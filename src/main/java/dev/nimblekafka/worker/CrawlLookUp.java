package dev.nimblekafka.worker;

import dev.nimblekafka.nimble.CrawlListing;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.task.TaskPhase;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the crawl of a create whose answer was lost, or that the partition's previous owner may
 * have sent: the account's latest crawls are read, and the one whose name ends with the attempt's
 * mark is the request's. Not there: once no create of it can still reach Nimble ({@code
 * settledAfter}) the request is created again, or, if the worker was asked to end it meanwhile,
 * fails as {@code CANCELED}. A read that fails is tried again with a growing pause; a read Nimble
 * refuses ends the request, since without the list a second crawl could be paid for. Used by the
 * consume loop's thread only.
 */
final class CrawlLookUp {
  private static final Logger log = LoggerFactory.getLogger(CrawlLookUp.class);

  /** Crawls listed: the newest, far more than are created while an answer is lost. */
  static final int CRAWLS_LISTED = 100;

  /** The longest pause between two failed reads of the list. */
  static final long MAX_PAUSE_MS = 30_000;

  private record Wanted(PendingTask task, long settledAfter, int failures, long dueAt) {}

  private final TaskContext context;
  private final TaskBook book;
  private final BiConsumer<PendingTask, TaskInfo> created;
  private final List<Wanted> waiting = new ArrayList<>();

  /**
   * @param created hears a crawl found: the request's task is created
   */
  CrawlLookUp(TaskContext context, BiConsumer<PendingTask, TaskInfo> created) {
    this.context = context;
    this.book = context.book();
    this.created = created;
  }

  /**
   * Looks for the crawl of {@code task} (in submitting), whose create could reach Nimble until
   * {@code settledAfter} (-1: it has been answered, so it could not).
   */
  void lookUp(PendingTask task, long settledAfter) {
    waiting.add(new Wanted(task, settledAfter, 0, context.clock().millis()));
  }

  /** Sends the look-ups that are due. */
  void dispatch(long now) {
    for (Iterator<Wanted> it = waiting.iterator(); it.hasNext(); ) {
      Wanted wanted = it.next();
      if (wanted.task().phase() != TaskPhase.SUBMITTING) {
        it.remove(); // its partition was given away
      } else if (wanted.dueAt() <= now) {
        it.remove();
        send(wanted);
      }
    }
  }

  private void send(Wanted wanted) {
    PendingTask task = wanted.task();
    String mark = SubmissionMark.of(task);
    context
        .calls()
        .send(
            Calls.Lane.READ,
            "crawl_lookup",
            List.of(task),
            live -> context.nimble().recentCrawls(CRAWLS_LISTED, live),
            Calls.Answer.ofOne(
                crawls -> listed(wanted, mark, crawls), error -> failed(wanted, error)));
  }

  private void listed(Wanted wanted, String mark, List<CrawlListing> crawls) {
    PendingTask task = wanted.task();
    try (MdcScope mdc = MdcScope.of(task)) {
      for (CrawlListing crawl : crawls) {
        if (crawl.name() != null && crawl.name().endsWith(mark)) {
          log.info(
              "The create of crawl request {} was not heard; it started crawl {}",
              task.requestId(),
              crawl.crawlId());
          created.accept(
              task,
              new TaskInfo(crawl.crawlId(), null, crawl.status(), null, null, null, null, null));
          return;
        }
      }
      long now = context.clock().millis();
      if (now < wanted.settledAfter()) {
        // a create the previous owner sent may still reach Nimble: look again once it cannot
        waiting.add(new Wanted(task, wanted.settledAfter(), 0, wanted.settledAfter()));
        return;
      }
      if (task.crawl().endedBy() != null) {
        context.writer().canceledBeforeCreated(task);
        return;
      }
      log.info(
          "The create of crawl request {} was not heard and started no crawl; creating it again",
          task.requestId());
      book.requeue(task, false, now);
    }
  }

  private void failed(Wanted wanted, NimbleException error) {
    PendingTask task = wanted.task();
    try (MdcScope mdc = MdcScope.of(task)) {
      long now = context.clock().millis();
      if (error instanceof NimbleException.Unavailable u && u.fenced()) {
        waiting.add(new Wanted(task, wanted.settledAfter(), wanted.failures(), now));
        return; // never sent: the pod's hold is in doubt; asked again once calls may go out
      }
      if (error instanceof NimbleException.Rejected rejected) {
        context
            .writer()
            .fail(
                task,
                Stage.SUBMIT,
                rejected.code(),
                "the create of the crawl was not heard, and Nimble refuses the list of crawls that"
                    + " would show whether it started one ("
                    + rejected.getMessage()
                    + "); not created again, so that no crawl is paid twice",
                rejected.httpStatus(),
                rejected.details());
        return;
      }
      int failures = wanted.failures() + 1;
      long pause = Math.min(MAX_PAUSE_MS, 1_000L << Math.min(failures - 1, 15));
      log.debug(
          "Listing crawls for {} failed ({}); again in {} ms", task.requestId(), error, pause);
      waiting.add(new Wanted(task, wanted.settledAfter(), failures, now + pause));
    }
  }

  /** Look-ups waiting (for tests and health). */
  int waiting() {
    return waiting.size();
  }
}
