package dev.nimblekafka.cli;

import java.io.PrintStream;

/**
 * A crawl's progress on stderr: the pages published so far, how they went and how fast, redrawn in
 * place on a terminal; silent otherwise. How many pages the crawl will have is known only from its
 * summary, so this counts rather than fills a bar.
 */
final class PageProgress {
  private final Integer limit;
  private final boolean live;
  private final PrintStream err = System.err;
  private final long started = System.nanoTime();
  private int succeeded;
  private int failed;
  private long lastDraw;
  private boolean finished;

  /** {@code limit}: the crawl's --limit, or null. */
  PageProgress(Integer limit, boolean live) {
    this.limit = limit;
    this.live = live;
  }

  synchronized void page(boolean pageFailed) {
    if (pageFailed) {
      failed++;
    } else {
      succeeded++;
    }
    long now = System.nanoTime();
    if (live && !finished && now - lastDraw > 100_000_000L) {
      lastDraw = now;
      err.print("\r" + line(succeeded, failed, limit, now - started));
      err.flush();
    }
  }

  /** Ends the line (once: later calls do nothing). */
  synchronized void finish() {
    if (live && !finished) {
      finished = true;
      err.println("\r" + line(succeeded, failed, limit, System.nanoTime() - started));
    }
  }

  /** {@code pages 12 of at most 20 succeeded 11 failed 1 2.4 pages/s 5.0s}. */
  static String line(int succeeded, int failed, Integer limit, long elapsedNanos) {
    int pages = succeeded + failed;
    double seconds = Math.max(0.001, elapsedNanos / 1e9);
    return String.format(
        "pages %d%s  succeeded %d  failed %d  %.1f pages/s  %s   ",
        pages,
        limit == null ? "" : " of at most " + limit,
        succeeded,
        failed,
        pages / seconds,
        CrawlLines.duration(elapsedNanos / 1_000_000));
  }
}
