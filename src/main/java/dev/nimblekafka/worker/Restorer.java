package dev.nimblekafka.worker;

import java.util.List;

/**
 * Reads a partition's pending requests back from the state topic, off the loop's thread. {@link
 * #restore} reads the partition through, keeping of each live record only where it is; the answer
 * comes back as a {@link LoopEvent.Restored} (or {@link LoopEvent.RestoreFailed}). {@link #load}
 * then reads the records named, as there is room for the requests they carry: a {@link
 * LoopEvent.Loaded} (or {@link LoopEvent.RestoreFailed}).
 */
interface Restorer extends AutoCloseable {
  void start();

  void restore(int partition, long epoch);

  /** Reads these live records of a partition (in offset order) for the requests they carry. */
  void load(int partition, long epoch, List<StateRef> records);

  @Override
  void close();
}
