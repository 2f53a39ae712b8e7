package dev.nimblekafka.worker;

import dev.nimblekafka.handover.CommitNote;
import dev.nimblekafka.task.TaskBook;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * What a committed offset says about the hand-over of its partition ({@link CommitNote} in the
 * offset's metadata): since when create calls may have gone unrecorded, until when a call the owner
 * sent could still reach Nimble, and whether the owner's last commit left nothing unrecorded. The
 * next owner reads it to know which requests to look up before it submits them, and how long to
 * wait before it concludes that a request has no task.
 */
final class Handovers {
  /**
   * Records consumed after the commit that a crashed owner may have submitted; those beyond are
   * taken as never seen (a pod pauses fetching long before it holds this many).
   */
  static final long SUSPECT_WINDOW = 2_000;

  /**
   * How long after its commit an owner that did not say (an older version) could still have create
   * calls arriving at Nimble: its calls were not fenced by ownership and waited up to 30 s for a
   * permit, plus the request's own time.
   */
  static final long UNSAID_HORIZON_MILLIS = 60_000;

  private Handovers() {}

  /**
   * The metadata of a commit that leaves unrecorded only the creates sent at or after {@code since}
   * (the commit's time, or the oldest create still out, when one is), by an owner holding {@code
   * held} requests of the partition, whose calls could reach Nimble until {@code settledAfter};
   * {@code clean} when nothing was in flight.
   */
  static String metadata(long since, int held, boolean clean, long settledAfter) {
    return metadata(since, held, clean, settledAfter, Map.of());
  }

  /** As above, with the requests held by class for the fleet's split of the key. */
  static String metadata(
      long since, int held, boolean clean, long settledAfter, Map<String, Long> demand) {
    return new CommitNote(since, held, clean, settledAfter, demand).encode();
  }

  /**
   * How to take a partition over, from its committed offset ({@code null} when it has none: the
   * group's first consumption, nothing to look up).
   */
  static TaskBook.Handover of(OffsetAndMetadata committed) {
    return of(committed, committed == null ? -1 : committed.offset() + SUSPECT_WINDOW);
  }

  /**
   * How this pod takes its own partition back when it replays it from {@code committed} (null:
   * never committed) after failed commits: every record below {@code reached} was read and its
   * request may have been submitted since the last commit, and a create this pod sent could reach
   * Nimble until {@code settledAfter}.
   */
  static TaskBook.Handover replay(OffsetAndMetadata committed, long reached, long settledAfter) {
    long since =
        committed == null ? 0 : Math.max(0, CommitNote.decode(committed.metadata()).since());
    return new TaskBook.Handover(reached, since, settledAfter);
  }

  private static TaskBook.Handover of(OffsetAndMetadata committed, long suspectBefore) {
    if (committed == null) {
      return TaskBook.Handover.CLEAN;
    }
    CommitNote note = CommitNote.decode(committed.metadata());
    if (note.clean()) {
      return TaskBook.Handover.CLEAN;
    }
    long since = Math.max(0, note.since()); // no time known: the scan's bound applies
    long settledAfter =
        note.settledAfter() >= 0
            ? note.settledAfter()
            : note.since() >= 0 ? note.since() + UNSAID_HORIZON_MILLIS : -1;
    return new TaskBook.Handover(suspectBefore, since, settledAfter);
  }
}
