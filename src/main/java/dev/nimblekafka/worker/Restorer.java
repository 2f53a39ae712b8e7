package dev.nimblekafka.worker;

/**
 * Reads a partition's pending requests back from the state topic, off the loop's thread; the answer
 * comes back as a {@link LoopEvent.Restored} or {@link LoopEvent.RestoreFailed}.
 */
interface Restorer extends AutoCloseable {
  void start();

  void restore(int partition, long epoch);

  @Override
  void close();
}
