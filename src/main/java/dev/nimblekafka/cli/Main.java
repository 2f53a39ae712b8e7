package dev.nimblekafka.cli;

import dev.nimblekafka.config.ConfigException;
import dev.nimblekafka.sim.SimCommand;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The single entry point of the jar: {@code java -jar nimble-kafka-worker.jar <command>}. */
@Command(
    name = "nimble-kafka-worker",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Runs Nimble's asynchronous web-extraction API at volume from Apache Kafka.",
    subcommands = {
      WorkerCommand.class,
      SubmitCommand.class,
      StatusCommand.class,
      TailCommand.class,
      SimCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args));
  }

  /** Runs a command line and returns its exit code, without exiting the JVM. */
  public static int run(String... args) {
    return new CommandLine(new Main())
        .setCaseInsensitiveEnumValuesAllowed(true)
        .setExecutionExceptionHandler(Main::handle)
        .execute(args);
  }

  /** A bad setting is a message and exit code 2, not a stack trace. */
  private static int handle(Exception e, CommandLine command, CommandLine.ParseResult parsed)
      throws Exception {
    if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
      command.getErr().println(e.getMessage());
      return 2;
    }
    throw e;
  }
}
