package dev.nimblekafka.fleet;

/**
 * This pod's part of the Nimble key's limits, as it stands now: the key's calls per second and the
 * plan's concurrent tasks are shared by every pod that holds the key. Read on the consume loop's
 * thread; the values change as pods come and go and as Nimble answers.
 */
public interface KeyShare {
  /** Calls per second this pod may make now. */
  double callsPerSecond();

  /** Tasks this pod may have at Nimble now (created and not yet known finished). */
  int tasks();

  /** A share that never changes (one pod alone, or a test). */
  static KeyShare fixed(double callsPerSecond, int tasks) {
    return new KeyShare() {
      @Override
      public double callsPerSecond() {
        return callsPerSecond;
      }

      @Override
      public int tasks() {
        return tasks;
      }
    };
  }
}
