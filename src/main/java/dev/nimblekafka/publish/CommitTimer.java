package dev.nimblekafka.publish;

import java.time.Duration;

/** Receives how long each commit took (a metric in production, nothing in unit tests). */
@FunctionalInterface
public interface CommitTimer {
  void record(Duration took);

  CommitTimer NONE = took -> {};
}
