package dev.nimblekafka.worker;

import dev.nimblekafka.publish.Output;
import java.util.function.Supplier;

/**
 * The output the loop writes to now. A fatal commit error replaces it; whoever writes asks here, so
 * nothing keeps writing to an output that was closed. Used by the consume loop's thread only.
 */
final class CurrentOutput implements Supplier<Output> {
  private final Supplier<Output> factory;
  private Output output;

  CurrentOutput(Supplier<Output> factory) {
    this.factory = factory;
  }

  /** Opens the first output (on the loop's thread: a transactional one initialises there). */
  void open() {
    output = factory.get();
  }

  /** Closes the output and opens a new one. */
  void replace() {
    output.close();
    output = factory.get();
  }

  /** Closes the output, if one was opened. */
  void close() {
    if (output != null) {
      output.close();
    }
  }

  /** Closes the output without finishing anything, as a crash would, if one was opened. */
  void halt() {
    if (output != null) {
      output.halt();
    }
  }

  @Override
  public Output get() {
    if (output == null) {
      throw new IllegalStateException("the output is not open yet");
    }
    return output;
  }
}
