package dev.nimblekafka.sim;

import dev.nimblekafka.wire.ApiVersion;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * One crawl: its parameters, its status and its pages in discovery order. The page list only grows
 * (a page's index never changes). Everything that changes is guarded by the crawl's own monitor;
 * {@link CrawlRunner} holds it while it discovers, ends or cancels pages, and readers take a {@link
 * #snapshot}.
 */
final class SimCrawl {
  /** Where a crawl is in its life, with its wire name. */
  enum Status {
    QUEUED("queued"),
    RUNNING("running"),
    SUCCEEDED("succeeded"),
    FAILED("failed"),
    CANCELED("canceled");

    final String wire;

    Status(String wire) {
      this.wire = wire;
    }

    boolean ended() {
      return this == SUCCEEDED || this == FAILED || this == CANCELED;
    }

    /** The status named {@code wire}, or null. */
    static Status of(String wire) {
      for (Status status : values()) {
        if (status.wire.equals(wire)) {
          return status;
        }
      }
      return null;
    }
  }

  /** A page of the crawl: its task, URL and discovery depth (the start page is at 0). */
  record Page(SimCrawl crawl, SimTask task, String url, int depth) {}

  /** The crawl as it was at one moment. */
  record Snapshot(Status status, long updatedAt, long completedAt, List<SimTask> tasks) {}

  final String id;
  final long seq;
  final CrawlParams params;
  final SyntheticSite site;
  final ApiVersion version;
  final long createdAt;

  private final List<Page> pages = new ArrayList<>();
  private final Set<String> seen = new HashSet<>();
  private Status status = Status.QUEUED;
  private long updatedAt;
  private long completedAt = -1;
  private int pending;
  private boolean startFailed;

  SimCrawl(String id, long seq, CrawlParams params, ApiVersion version, long createdAt) {
    this.id = id;
    this.seq = seq;
    this.params = params;
    this.site = SyntheticSite.of(params.url());
    this.version = version;
    this.createdAt = createdAt;
    this.updatedAt = createdAt;
  }

  synchronized Status status() {
    return status;
  }

  synchronized long completedAt() {
    return completedAt;
  }

  /** Moves to {@code next}; an ended status also sets {@code completed_at}. */
  synchronized void moveTo(Status next, long now) {
    status = next;
    updatedAt = now;
    if (next.ended()) {
      completedAt = now;
    }
  }

  /** True if {@code url} was not discovered before (it now is). */
  synchronized boolean discover(String url) {
    return seen.add(url);
  }

  synchronized Page add(SimTask task, String url, int depth, long now) {
    Page page = new Page(this, task, url, depth);
    pages.add(page);
    pending++;
    updatedAt = now;
    return page;
  }

  /** A page ended (completed, failed or dropped by a cancel). */
  synchronized void pageEnded(Page page, long now) {
    pending--;
    updatedAt = now;
    if (page.depth() == 0 && page.task().phase() != Phase.COMPLETED) {
      startFailed = true;
    }
  }

  synchronized int size() {
    return pages.size();
  }

  synchronized int pending() {
    return pending;
  }

  synchronized boolean startFailed() {
    return startFailed;
  }

  synchronized List<Page> pages() {
    return List.copyOf(pages);
  }

  synchronized Snapshot snapshot() {
    List<SimTask> tasks = new ArrayList<>(pages.size());
    for (Page page : pages) {
      tasks.add(page.task());
    }
    return new Snapshot(status, updatedAt, completedAt, tasks);
  }
}
