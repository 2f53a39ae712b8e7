package dev.nimblekafka.chaos;

import java.util.List;

/** What a run drives: a broker, a simulator, and a way to run a worker JVM. */
interface ChaosSystem {
  String bootstrapServers();

  SimAdmin sim();

  /** The command line of one worker JVM ({@code java ... worker}). */
  List<String> workerCommand();

  /**
   * Stops the broker and starts it on the same address and data, noting both moments on the
   * timeline; returns when it answers again.
   */
  void restartBroker(Timeline timeline);

  /** Sends the broker process {@code SIG<signal>} (STOP freezes it, CONT thaws it). */
  default void signalBroker(String signal) {
    throw new UnsupportedOperationException("this broker cannot be sent signals");
  }
}
