package dev.nimblekafka.worker;

import java.util.ArrayList;
import java.util.List;

/** A state restorer that only notes what it was asked to read; the test answers with events. */
final class FakeRestorer implements Restorer {
  /** One request to read a partition's state. */
  record Ask(int partition, long epoch) {}

  final List<Ask> asked = new ArrayList<>();

  @Override
  public void start() {}

  @Override
  public void restore(int partition, long epoch) {
    asked.add(new Ask(partition, epoch));
  }

  @Override
  public void close() {}
}
