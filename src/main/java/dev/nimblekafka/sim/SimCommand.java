package dev.nimblekafka.sim;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code sim}: runs the Nimble simulator. */
@Command(
    name = "sim",
    mixinStandardHelpOptions = true,
    description = "Run a local stand-in for Nimble's web-extraction API.")
public final class SimCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("The simulator is not built yet.");
    return 1;
  }
}
