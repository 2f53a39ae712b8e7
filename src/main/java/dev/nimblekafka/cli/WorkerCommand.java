package dev.nimblekafka.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(
    name = "worker",
    mixinStandardHelpOptions = true,
    description =
        "Consume extraction requests from Kafka, run them on Nimble, publish the outcomes.")
final class WorkerCommand implements Callable<Integer> {
  @Override
  public Integer call() {
    System.err.println("The worker is not built yet.");
    return 1;
  }
}
