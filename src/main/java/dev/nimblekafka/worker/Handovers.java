package dev.nimblekafka.worker;

import dev.nimblekafka.fleet.HeldCount;
import dev.nimblekafka.task.TaskBook;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * What a committed offset says about the hand-over of its partition. Each commit carries, in the
 * offset's metadata, when it was made and whether it was the owner's last (everything in flight was
 * recorded first; when a create call was still out, the time it went out instead), and how many
 * requests its owner held: {@code nkw1;t=<epoch ms>;held=<n>;clean=<0|1>}. The next owner reads it
 * to know whether, and since when, create calls may have gone unrecorded; every pod reads {@code
 * held} to share the Nimble key ({@link dev.nimblekafka.fleet.FleetView}).
 */
final class Handovers {
  private static final String PREFIX = "nkw1;t=";

  /**
   * Records consumed after the commit that a crashed owner may have submitted; those beyond are
   * taken as never seen (a pod pauses fetching long before it holds this many).
   */
  static final long SUSPECT_WINDOW = 2_000;

  private Handovers() {}

  /** The metadata of a commit made at {@code now} by an owner that held nothing. */
  static String metadata(long now, boolean clean) {
    return metadata(now, 0, clean);
  }

  /**
   * The metadata of a commit that leaves unrecorded only the creates sent at or after {@code since}
   * (the commit's time, or the oldest create still out, when one is), by an owner holding {@code
   * held} requests of the partition; {@code clean} when nothing was in flight.
   */
  static String metadata(long since, int held, boolean clean) {
    return PREFIX + since + HeldCount.field(held) + ";clean=" + (clean ? 1 : 0);
  }

  /**
   * How to take a partition over, from its committed offset ({@code null} when it has none: the
   * group's first consumption, nothing to look up).
   */
  static TaskBook.Handover of(OffsetAndMetadata committed) {
    if (committed == null) {
      return TaskBook.Handover.CLEAN;
    }
    String meta = committed.metadata();
    long suspectBefore = committed.offset() + SUSPECT_WINDOW;
    if (meta == null || !meta.startsWith(PREFIX)) {
      return new TaskBook.Handover(suspectBefore, 0); // no time known: the scan's bound applies
    }
    int end = meta.indexOf(';', PREFIX.length());
    try {
      long at = Long.parseLong(meta.substring(PREFIX.length(), end < 0 ? meta.length() : end));
      return meta.endsWith(";clean=1")
          ? TaskBook.Handover.CLEAN
          : new TaskBook.Handover(suspectBefore, at);
    } catch (NumberFormatException e) {
      return new TaskBook.Handover(suspectBefore, 0);
    }
  }
}
