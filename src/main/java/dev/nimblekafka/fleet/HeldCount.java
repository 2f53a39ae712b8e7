package dev.nimblekafka.fleet;

import dev.nimblekafka.handover.CommitNote;
import java.util.Map;
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

  /**
   * The requests by class a committed offset carries ({@code <h|n|l>:<tenant>}); a commit that says
   * only how many it held (an older pod's) counts them as normal requests of one unnamed tenant.
   */
  static Map<String, Long> demand(OffsetAndMetadata committed) {
    if (committed == null) {
      return Map.of();
    }
    CommitNote note = CommitNote.decode(committed.metadata());
    if (!note.demand().isEmpty() || note.held() == 0) {
      return note.demand();
    }
    return Map.of(CommitNote.classOf('n', CommitNote.OTHERS), note.held());
  }

  /** The held count a committed offset carries; 0 when it carries none. */
  static long read(OffsetAndMetadata committed) {
    return committed == null ? 0 : CommitNote.decode(committed.metadata()).held();
  }
}
