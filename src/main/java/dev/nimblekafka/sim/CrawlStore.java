package dev.nimblekafka.sim;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Holds crawls by id and in creation order (for {@code GET /v{1,2}/crawl}) until they are gone: a
 * crawl is gone the retention after it ended, as its page tasks are.
 */
final class CrawlStore {
  private final ConcurrentHashMap<String, SimCrawl> byId = new ConcurrentHashMap<>();
  private final ConcurrentSkipListMap<Long, SimCrawl> bySeq = new ConcurrentSkipListMap<>();
  private final AtomicLong sequence = new AtomicLong();
  private final long retentionMillis;

  CrawlStore(long retentionMillis) {
    this.retentionMillis = retentionMillis;
  }

  long nextSeq() {
    return sequence.incrementAndGet();
  }

  void add(SimCrawl crawl) {
    byId.put(crawl.id, crawl);
    bySeq.put(crawl.seq, crawl);
  }

  /** The crawl, or null if it never existed or is gone. */
  SimCrawl get(String id, long now) {
    SimCrawl crawl = byId.get(id);
    return crawl == null || isGone(crawl, now) ? null : crawl;
  }

  /** The creation sequence of a held crawl, or -1. */
  long seqOf(String id) {
    SimCrawl crawl = byId.get(id);
    return crawl == null ? -1 : crawl.seq;
  }

  /**
   * A page of crawls in {@code status} (null: any), newest first, from sequence {@code fromSeq}
   * (inclusive).
   */
  Listing list(long fromSeq, int limit, SimCrawl.Status status, long now) {
    List<SimCrawl> page = new ArrayList<>(Math.min(limit, 1024));
    for (SimCrawl crawl : bySeq.headMap(fromSeq, true).descendingMap().values()) {
      if (isGone(crawl, now) || (status != null && crawl.status() != status)) {
        continue;
      }
      if (page.size() == limit) {
        return new Listing(page, true, crawl.seq);
      }
      page.add(crawl);
    }
    return new Listing(page, false, 0);
  }

  /** Crawls held now, in any status. */
  int size() {
    return byId.size();
  }

  /** Forgets crawls that are gone. */
  void sweep(long now) {
    for (SimCrawl crawl : byId.values()) {
      if (isGone(crawl, now)) {
        byId.remove(crawl.id, crawl);
        bySeq.remove(crawl.seq, crawl);
      }
    }
  }

  /** Crawls of one page of the list and where the next page starts. */
  record Listing(List<SimCrawl> crawls, boolean hasNext, long nextSeq) {}

  private boolean isGone(SimCrawl crawl, long now) {
    long completedAt = crawl.completedAt();
    return completedAt >= 0 && now - completedAt >= retentionMillis;
  }
}
