package dev.nimblekafka.task;

import dev.nimblekafka.nimble.CrawlStatus;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * How far the worker has followed one crawl: which of its pages already have their page record, by
 * the page's place in Nimble's list of the crawl's page tasks. That is a bit per page (1.25 KB for
 * 10,000 pages), kept in the request's one state record and rewritten in the same transaction as
 * the page records it counts, so a page record is published once whatever crashes. Nimble lists a
 * crawl's pages in the order it found them and only appends; a fingerprint of the ids already seen
 * checks that on every read ({@link #read} says when it does not hold).
 *
 * <p>What is not saved: the pages known to be done and not yet read (at most {@link #MAX_QUEUED};
 * the rest are found again on the next read of the crawl) and the reads out. Used by the consume
 * loop's thread only.
 */
public final class CrawlProgress {
  /** Pages kept waiting to be read at once; more are picked up by a later read of the crawl. */
  public static final int MAX_QUEUED = 1_000;

  /**
   * What the state record keeps.
   *
   * @param published the bit set of pages published, by place in Nimble's list
   * @param listed how many page ids the fingerprint covers
   * @param fingerprint a hash of the first {@code listed} page ids, in order
   * @param succeeded page records published for pages that succeeded
   * @param failed page records published for pages that failed
   * @param endedBy why the worker ends the crawl ({@code cancel}, {@code budget}), or null
   */
  public record Saved(
      byte[] published, int listed, long fingerprint, int succeeded, int failed, String endedBy) {

    /** Saved progress of a crawl the worker lets run. */
    public Saved(byte[] published, int listed, long fingerprint, int succeeded, int failed) {
      this(published, listed, fingerprint, succeeded, failed, null);
    }
  }

  /** A page to read: its place in the list and its task. */
  public record Page(int index, String taskId, boolean failed) {}

  /** What a read of the crawl changed. */
  public record Read(List<Page> newlyDone, boolean orderChanged) {}

  private final BitSet published;
  private int listed;
  private long fingerprint;
  private int succeeded;
  private int failed;
  private String endedBy;
  private boolean cancelOut;
  private long cancelSentAt = -1;
  private boolean hinted;
  private int readFailures;
  private long readsPausedUntil;

  private final ArrayDeque<Page> toRead = new ArrayDeque<>();
  private final Set<Integer> queued = new HashSet<>();
  private final Set<Integer> reading = new HashSet<>();
  private CrawlStatus.State state = CrawlStatus.State.RUNNING;
  private String wireState;
  private int pendingPages;
  private boolean dirty;

  private CrawlProgress(BitSet published, int listed, long fingerprint, int ok, int bad) {
    this.published = published;
    this.listed = listed;
    this.fingerprint = fingerprint;
    this.succeeded = ok;
    this.failed = bad;
  }

  /** A crawl request none of whose pages is published yet. */
  public static CrawlProgress started() {
    return new CrawlProgress(new BitSet(), 0, fingerprint(List.of(), 0), 0, 0);
  }

  /** A crawl read back from its state record. */
  public static CrawlProgress restored(Saved saved) {
    CrawlProgress progress =
        new CrawlProgress(
            BitSet.valueOf(saved.published()),
            saved.listed(),
            saved.fingerprint(),
            saved.succeeded(),
            saved.failed());
    progress.endedBy = saved.endedBy();
    return progress;
  }

  public Saved saved() {
    return new Saved(published.toByteArray(), listed, fingerprint, succeeded, failed, endedBy);
  }

  /**
   * The worker ends the crawl ({@code why}: {@code cancel} or {@code budget}); saved, so the next
   * owner ends it too. The first reason stays.
   */
  public void end(String why) {
    if (endedBy == null) {
      endedBy = why;
      dirty = true;
    }
  }

  /** Why the worker ends the crawl, or null while it lets it run. */
  public String endedBy() {
    return endedBy;
  }

  /**
   * Whether Nimble must be asked to cancel the crawl now: the worker ends it, it still runs, no
   * cancel is out, and none was sent in the last {@code everyMs}.
   */
  public boolean cancelDue(long now, long everyMs) {
    return endedBy != null
        && !state.ended()
        && !cancelOut
        && (cancelSentAt < 0 || now - cancelSentAt >= everyMs);
  }

  /** A cancel went out at {@code now}. */
  public void cancelSent(long now) {
    cancelOut = true;
    cancelSentAt = now;
  }

  /** The cancel that was out is answered. */
  public void cancelAnswered() {
    cancelOut = false;
  }

  /** A callback came while the crawl was being read: read it again soon. */
  public void hinted() {
    hinted = true;
  }

  /** Whether a callback came during the last read; clears the mark. */
  public boolean takeHinted() {
    boolean was = hinted;
    hinted = false;
    return was;
  }

  /**
   * A page read failed: page reads of this crawl pause, longer after each failure in a row (1 s,
   * doubling, at most 30 s), so a page Nimble keeps refusing is not asked for in a loop.
   */
  public void readFailed(long now) {
    readFailures = Math.min(readFailures + 1, 16);
    readsPausedUntil = now + Math.min(30_000L, 1_000L << (readFailures - 1));
  }

  /** Whether page reads are paused now. */
  public boolean readsPaused(long now) {
    return now < readsPausedUntil;
  }

  /**
   * Takes in a read of the crawl: its state, and every page that ended and is neither published,
   * waiting to be read, nor being read, queued (up to {@link #MAX_QUEUED} waiting). Says when the
   * pages already seen are no longer listed in the same order.
   */
  public Read read(CrawlStatus status) {
    List<CrawlStatus.Page> pages = status.pages();
    boolean orderChanged = pages.size() < listed || fingerprint(pages, listed) != fingerprint;
    long now = fingerprint(pages, pages.size());
    if (pages.size() != listed || now != fingerprint) {
      listed = pages.size();
      fingerprint = now; // an order change is told once, not at every read after it
      dirty = true;
    }
    state = status.state();
    wireState = status.wireState();
    List<Page> added = new ArrayList<>();
    int pending = 0;
    for (int i = 0; i < pages.size(); i++) {
      CrawlStatus.Page page = pages.get(i);
      if (page.taskId() == null || page.state() == null || !page.state().ended()) {
        pending++;
        continue;
      }
      if (unrun(page.state()) && !published.get(i)) {
        pending++; // a page a cancel dropped before it ran: no record, counted as not run
        continue;
      }
      if (published.get(i) || queued.contains(i) || reading.contains(i)) {
        continue;
      }
      if (toRead.size() >= MAX_QUEUED) {
        continue;
      }
      Page next = new Page(i, page.taskId(), page.state() == CrawlStatus.PageState.FAILED);
      toRead.add(next);
      queued.add(i);
      added.add(next);
    }
    pendingPages = pending;
    return new Read(added, orderChanged);
  }

  /** The next page to read, now marked as being read; null when none waits. */
  public Page nextToRead() {
    Page page;
    while ((page = toRead.poll()) != null) {
      queued.remove(page.index());
      if (!(page.failed() && state == CrawlStatus.State.CANCELED)) {
        reading.add(page.index());
        return page;
      }
    }
    return null;
  }

  /**
   * Whether a page in this state may be one a cancel dropped before it ran: in a canceled crawl
   * Nimble lists those as failed. Their failure is not read (a call each, for pages that never
   * ran); pages that failed before the cancel are then counted with them as not run.
   */
  private boolean unrun(CrawlStatus.PageState page) {
    return page == CrawlStatus.PageState.FAILED && state == CrawlStatus.State.CANCELED;
  }

  /** A page read that did not work out: it waits to be read again. */
  public void readAgain(Page page) {
    if (reading.remove(page.index()) && !published.get(page.index())) {
      toRead.addFirst(page);
      queued.add(page.index());
    }
  }

  /** The page's record is written (it commits with the state record that says so). */
  public void published(Page page, boolean pageSucceeded) {
    reading.remove(page.index());
    readFailures = 0;
    if (published.get(page.index())) {
      return;
    }
    published.set(page.index());
    if (pageSucceeded) {
      succeeded++;
    } else {
      failed++;
    }
    dirty = true;
  }

  /** Whether the state record must be written again; clears the mark. */
  public boolean takeDirty() {
    boolean was = dirty;
    dirty = false;
    return was;
  }

  public boolean waiting() {
    return !toRead.isEmpty();
  }

  public boolean reading() {
    return !reading.isEmpty();
  }

  /**
   * Whether the crawl is over for the worker: Nimble ended it, and every page it lists as ended has
   * its record (pages still listed as pending in an ended crawl never ran: a cancel dropped them).
   */
  public boolean finished() {
    return state.ended()
        && toRead.isEmpty()
        && reading.isEmpty()
        && published.cardinality() >= listed - pendingPages;
  }

  public CrawlStatus.State state() {
    return state;
  }

  public String wireState() {
    return wireState;
  }

  public int succeeded() {
    return succeeded;
  }

  public int failed() {
    return failed;
  }

  public int listed() {
    return listed;
  }

  /** Pages Nimble lists as not ended, at the last read. */
  public int pendingPages() {
    return pendingPages;
  }

  /** FNV-1a over the first {@code count} page ids, each followed by a newline. */
  public static long fingerprint(List<CrawlStatus.Page> pages, int count) {
    long hash = 0xcbf29ce484222325L;
    for (int i = 0; i < count && i < pages.size(); i++) {
      String id = pages.get(i).taskId();
      byte[] bytes = (id == null ? "" : id).getBytes(StandardCharsets.UTF_8);
      for (byte b : bytes) {
        hash ^= b & 0xff;
        hash *= 0x100000001b3L;
      }
      hash ^= '\n';
      hash *= 0x100000001b3L;
    }
    return hash;
  }
}
