package dev.nimblekafka.cli;

import java.io.PrintStream;

/** A one-line progress display on stderr, redrawn in place on a terminal; silent otherwise. */
final class Progress {
  private final int total;
  private final boolean live;
  private final PrintStream err = System.err;
  private final long started = System.nanoTime();
  private int done;
  private int failed;
  private long lastDraw;

  Progress(int total, boolean live) {
    this.total = total;
    this.live = live;
  }

  synchronized void update(boolean failure) {
    if (failure) {
      failed++;
    } else {
      done++;
    }
    long now = System.nanoTime();
    if (live && (now - lastDraw > 100_000_000L || done + failed == total)) {
      lastDraw = now;
      err.print("\r" + line());
      err.flush();
    }
  }

  synchronized void finish() {
    if (live) {
      err.println("\r" + line());
    }
  }

  private String line() {
    int finished = done + failed;
    double seconds = Math.max(0.001, (System.nanoTime() - started) / 1e9);
    double rate = finished / seconds;
    int width = 30;
    int filled = total == 0 ? width : (int) ((long) width * finished / total);
    String bar = "#".repeat(filled) + "-".repeat(width - filled);
    String eta =
        rate > 0 && finished < total ? String.format("%.0fs", (total - finished) / rate) : "-";
    return String.format(
        "[%s] %d/%d  pending %d  done %d  failed %d  %.1f/s  eta %s   ",
        bar, finished, total, total - finished, done, failed, rate, eta);
  }
}
