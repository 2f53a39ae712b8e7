package dev.nimblekafka.fleet;

import dev.nimblekafka.handover.CommitNote;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * The requests a partition's owner held when it last committed, as its committed offset's {@link
 * CommitNote} says: what the partition asks of the key.
 */
public final class HeldCount {
  private HeldCount() {}

  /** The field a commit's metadata carries for {@code held} requests (for tests and tools). */
  public static String field(int held) {
    return ";held=" + held;
  }

  /** The held count a committed offset carries; 0 when it carries none. */
  static long read(OffsetAndMetadata committed) {
    return committed == null ? 0 : CommitNote.decode(committed.metadata()).held();
  }
}
