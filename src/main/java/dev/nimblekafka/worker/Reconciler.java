package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.nimble.TaskInfo;
import dev.nimblekafka.nimble.TaskPage;
import dev.nimblekafka.task.PendingTask;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the tasks of create calls whose answer was lost (a timeout, a connection closed after the
 * request went out, a 5xx), before the requests are submitted again: one bounded scan of Nimble's
 * recent tasks ({@code GET /v1/tasks}, newest first) serves every such request waiting when it
 * starts. A listed task is adopted only when it proves to be the create's own: it carries the
 * create's {@link SubmissionMark}, its input is the body that was sent, and it was created after
 * the create went out (less {@link #SKEW_MILLIS} of clock skew). A request whose task is not found
 * is submitted again, as it would have been without the scan, but not before the time until which a
 * create call sent for it could still reach Nimble (a previous owner's calls in flight): a scan
 * that started earlier cannot tell "not created" from "not created yet", so the request is looked
 * up again then. Correctness never depends on the list's order: a miss only costs a second task.
 *
 * <p>A create sent without a mark (SERP: Nimble documents no tag there) is recognised by its input
 * alone. Every listed task with that input, created after the create went out (less the skew) and
 * held by no request of this pod, is a candidate; when the scan ends, the lost creates of one
 * search take, oldest create first, the candidate created nearest to when each went out. A search
 * sent twice at once on one key (by this fleet or another client) may so be given the other's task:
 * still a result of the very search asked for, at the cost of the task left over.
 */
final class Reconciler {
  private static final Logger log = LoggerFactory.getLogger(Reconciler.class);

  /** Tasks asked for per page. */
  static final int PAGE_SIZE = 100;

  /**
   * Pages read at most per scan (10,000 tasks). A scan stops at the first page that reaches back
   * before the oldest create it looks for, so a lost answer costs one or two calls; only a
   * partition taken over long after its owner crashed, on a busy key, reads further back.
   */
  static final int MAX_PAGES = 100;

  /** How much older than the oldest create it looks for a listed task may be (clock skew). */
  static final long SKEW_MILLIS = 10_000;

  /** Scans that fail in a row before the waiting requests are submitted again. */
  static final int MAX_SCAN_FAILURES = 3;

  /** What becomes of a request looked up (still held: look-ups of partitions gone are dropped). */
  interface Outcome {
    /** Nimble has the request's task: it is adopted. */
    void found(PendingTask task, TaskInfo info);

    /** No task was found: the request is submitted again. */
    void notFound(PendingTask task);
  }

  /**
   * A request whose create call may have created a task.
   *
   * @param sent the body the create call carried (with its mark)
   * @param sentAt when that call went out: a task created before it (less the skew) is not its own
   * @param settledAfter until when a create call for it could still reach Nimble: only a scan that
   *     starts at or after it may conclude that there is no task
   * @param notBefore no scan needs to start for it before then (it was not found, and cannot be
   *     concluded missing before {@code settledAfter}); it joins any scan that starts earlier
   */
  private record Lookup(
      PendingTask task, JsonNode sent, long sentAt, long settledAfter, long notBefore) {

    Lookup deferred() {
      return new Lookup(task, sent, sentAt, settledAfter, settledAfter);
    }
  }

  /** A listed task that may be the task of an unmarked create, and its input. */
  private record Candidate(TaskInfo info, JsonNode input, long createdAt) {}

  private final TaskContext context;
  private final Outcome outcome;
  private final List<Candidate> candidates = new ArrayList<>();
  private final List<Lookup> waiting = new ArrayList<>();
  private List<Lookup> scanning = new ArrayList<>();
  private long scan;
  private int pages;
  private int failures;
  private long nextScanAt;
  private long scanStartedAt;

  Reconciler(TaskContext context, Outcome outcome) {
    this.context = context;
    this.outcome = outcome;
  }

  /**
   * Looks for the task of {@code task}'s create call, carrying {@code sent}, that went out at
   * {@code sentAt} and could reach Nimble until {@code settledAfter}.
   */
  void lookUp(PendingTask task, JsonNode sent, long sentAt, long settledAfter) {
    waiting.add(new Lookup(task, sent, sentAt, settledAfter, 0));
  }

  /** Requests in the scan running now. */
  int scanningNow() {
    return scanning.size();
  }

  /** Drops the waiting look-ups of a partition given away (a running scan drops its own). */
  void forget(int partition) {
    waiting.removeIf(lookup -> lookup.task().partition() == partition);
  }

  /** Requests waiting for a scan or in one. */
  int pending() {
    return waiting.size() + scanning.size();
  }

  /** Starts a scan for the requests waiting, if none is running. */
  void dispatch(long now) {
    if (!scanning.isEmpty() || now < nextScanAt || !anyDue(now)) {
      return;
    }
    scanning = new ArrayList<>(waiting);
    waiting.clear();
    candidates.clear();
    scanStartedAt = now;
    scan++;
    pages = 0;
    page(null);
  }

  private boolean anyDue(long now) {
    for (Lookup lookup : waiting) {
      if (lookup.notBefore() <= now) {
        return true;
      }
    }
    return false;
  }

  private void scanned(TaskPage page) {
    failures = 0;
    pages++;
    long oldest = Long.MAX_VALUE;
    for (TaskPage.Listed listed : page.tasks()) {
      oldest = Math.min(oldest, createdAt(listed.info()));
      adopt(listed);
    }
    long since = Long.MAX_VALUE;
    for (Lookup lookup : scanning) {
      since = Math.min(since, lookup.sentAt() - SKEW_MILLIS);
    }
    boolean more = page.nextCursor() != null && pages < MAX_PAGES && oldest >= since;
    if (!scanning.isEmpty() && more) {
      page(page.nextCursor());
      return;
    }
    finish(context.clock().millis());
  }

  private void scanFailed(NimbleException error) {
    if (scanning.isEmpty()) {
      return; // every request it looked for moved away (a page of such a scan is never sent)
    }
    if (error instanceof NimbleException.Unavailable u && u.fenced()) {
      // never sent (the pod's hold on its partitions was in doubt): it says nothing about the
      // tasks, so it counts as no failure, and the scan starts again once calls may go out
      waiting.addAll(0, scanning);
      scanning = new ArrayList<>();
      return;
    }
    failures++;
    log.debug("Looking up lost creates failed: {}", error.getMessage());
    if (failures >= MAX_SCAN_FAILURES) {
      failures = 0;
      finish(context.clock().millis());
      return;
    }
    waiting.addAll(0, scanning); // the scan starts again
    scanning = new ArrayList<>();
    long now = context.clock().millis();
    nextScanAt = context.policy().submitRetryAt(now, error.retryAfter());
  }

  /**
   * Reads a page, keeping the input only of tasks carrying a tag looked for; it is sent while any
   * request it looks for is still held, and the look-ups of those that moved away meanwhile are
   * dropped when it answers.
   */
  private void page(String cursor) {
    long id = scan;
    Set<String> tags = new HashSet<>();
    List<PendingTask> tasks = new ArrayList<>(scanning.size());
    for (Lookup lookup : scanning) {
      tags.add(SubmissionMark.tagOf(lookup.sent())); // null for an unmarked create: keep untagged
      tasks.add(lookup.task());
    }
    context
        .calls()
        .send(
            Calls.Lane.SCAN,
            "list",
            tasks,
            live ->
                context.nimble().recentTasks(cursor, PAGE_SIZE, tag -> tags.contains(tag), live),
            new Calls.Answer<TaskPage>() {
              @Override
              public void answered(List<PendingTask> live, TaskPage page) {
                if (id == scan) {
                  keep(live);
                  scanned(page);
                }
              }

              @Override
              public void failed(List<PendingTask> live, NimbleException error) {
                if (id == scan) {
                  keep(live);
                  scanFailed(error);
                }
              }
            });
  }

  /** Keeps the running scan's look-ups of requests still held. */
  private void keep(List<PendingTask> live) {
    Set<PendingTask> held = Collections.newSetFromMap(new IdentityHashMap<>());
    held.addAll(live);
    scanning.removeIf(lookup -> !held.contains(lookup.task()));
  }

  /** Hands a listed task to the one look-up it proves to belong to, if any. */
  private void adopt(TaskPage.Listed listed) {
    if (listed.info().id() == null || listed.info().createdAtMillis().isEmpty()) {
      return; // a task of unknown age cannot prove it was created by the create looked for
    }
    long createdAt = listed.info().createdAtMillis().getAsLong();
    for (Iterator<Lookup> it = scanning.iterator(); it.hasNext(); ) {
      Lookup lookup = it.next();
      if (createdAt >= lookup.sentAt() - SKEW_MILLIS
          && SubmissionMark.matches(listed.input(), lookup.sent())) {
        if (!SubmissionMark.tagged(lookup.sent())) {
          if (context.book().byTaskId(listed.info().id()) == null) {
            candidates.add(new Candidate(listed.info(), listed.input(), createdAt));
          }
          return; // chosen when the scan ends, among every task of the same search
        }
        it.remove();
        context.metrics().reconciled("found");
        outcome.found(lookup.task(), listed.info());
        return;
      }
    }
  }

  /**
   * Ends the scan: what it did not find is created again, unless a create for it could still have
   * been on its way when the scan started; that is looked up again once it cannot.
   */
  private void finish(long now) {
    adoptUnmarked();
    for (Lookup lookup : scanning) {
      if (lookup.settledAfter() > scanStartedAt) {
        waiting.add(lookup.deferred());
        continue;
      }
      context.metrics().reconciled("not_found");
      outcome.notFound(lookup.task());
    }
    scanning = new ArrayList<>();
  }

  /**
   * Gives each unmarked create looked for, oldest first, the candidate of its search created
   * nearest to when it went out (a task is given once), and drops it from the scan.
   */
  private void adoptUnmarked() {
    if (candidates.isEmpty()) {
      return;
    }
    List<Lookup> unmarked = new ArrayList<>();
    for (Lookup lookup : scanning) {
      if (!SubmissionMark.tagged(lookup.sent())) {
        unmarked.add(lookup);
      }
    }
    unmarked.sort(java.util.Comparator.comparingLong(Lookup::sentAt));
    for (Lookup lookup : unmarked) {
      Candidate best = null;
      for (Candidate candidate : candidates) {
        if (candidate.createdAt() >= lookup.sentAt() - SKEW_MILLIS
            && SubmissionMark.matches(candidate.input(), lookup.sent())
            && (best == null || distance(candidate, lookup) < distance(best, lookup))) {
          best = candidate;
        }
      }
      if (best != null) {
        candidates.remove(best);
        scanning.remove(lookup);
        context.metrics().reconciled("found");
        outcome.found(lookup.task(), best.info());
      }
    }
    candidates.clear();
  }

  private static long distance(Candidate candidate, Lookup lookup) {
    return Math.abs(candidate.createdAt() - lookup.sentAt());
  }

  private static long createdAt(TaskInfo info) {
    return info.createdAtMillis().orElse(Long.MAX_VALUE); // unknown age: the page ends no scan
  }
}
