package dev.nimblekafka.worker;

import java.util.ArrayList;
import java.util.List;

/** A state restorer that only notes what it was asked to read; the test answers with events. */
final class FakeRestorer implements Restorer {
  /** One request to read a partition's state. */
  record Ask(int partition, long epoch) {}

  final List<Ask> asked = new ArrayList<>();

  /** Each request to read records a restore left for later. */
  final List<Ask> loads = new ArrayList<>();

  /** Does the reading when set (a real restorer on a consumer the test fills); else the test. */
  Restorer reader;

  @Override
  public void start() {
    if (reader != null) {
      reader.start();
    }
  }

  @Override
  public void restore(int partition, long epoch) {
    asked.add(new Ask(partition, epoch));
    if (reader != null) {
      reader.restore(partition, epoch);
    }
  }

  @Override
  public void load(int partition, long epoch, List<StateRef> records) {
    loads.add(new Ask(partition, epoch));
    if (reader != null) {
      reader.load(partition, epoch, records);
    }
  }

  @Override
  public void close() {
    if (reader != null) {
      reader.close();
    }
  }
}
