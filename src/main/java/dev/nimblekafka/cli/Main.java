package dev.nimblekafka.cli;

import dev.nimblekafka.config.ConfigException;
import dev.nimblekafka.sim.SimCommand;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.NoSuchFileException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.common.KafkaException;
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
      ReplayCommand.class,
      UsageCommand.class,
      SimCommand.class,
      CommandLine.HelpCommand.class
    })
public final class Main {

  private Main() {}

  /**
   * The JDK's HTTP client completes every answer on {@code CompletableFuture}'s default pool. With
   * one or two cores that pool has one thread or less and the JDK then starts a new thread for
   * every completion: most of a worker's CPU on a small pod. At least two threads keep it a pool.
   * Set before anything touches {@code CompletableFuture}; an explicit {@code -D} wins.
   */
  static final String COMMON_POOL_PARALLELISM =
      "java.util.concurrent.ForkJoinPool.common.parallelism";

  public static void main(String[] args) {
    commonPool(Runtime.getRuntime().availableProcessors());
    System.exit(run(args));
  }

  /** Sizes {@code CompletableFuture}'s default pool for {@code cores}, unless set already. */
  static void commonPool(int cores) {
    if (System.getProperty(COMMON_POOL_PARALLELISM) == null) {
      System.setProperty(COMMON_POOL_PARALLELISM, Integer.toString(Math.max(2, cores - 1)));
    }
  }

  /** Runs a command line and returns its exit code, without exiting the JVM. */
  public static int run(String... args) {
    CommandLine command =
        new CommandLine(new Main())
            .setCaseInsensitiveEnumValuesAllowed(true)
            .setExecutionExceptionHandler(Main::handle);
    ExitCodes.document(command);
    return command.execute(args);
  }

  /**
   * An expected condition is a message, not a stack trace: a bad setting, argument or input line
   * exits {@link ExitCodes#USAGE}; Kafka not answering, a missing topic or an unreadable file exits
   * {@link ExitCodes#FAILED}. Anything else is a bug and keeps its stack trace.
   */
  private static int handle(Exception e, CommandLine command, CommandLine.ParseResult parsed)
      throws Exception {
    PrintWriter err = command.getErr();
    String name = command.getCommandName();
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    if (cause instanceof ConfigException || cause instanceof IllegalArgumentException) {
      err.println(cause.getMessage());
      return ExitCodes.USAGE;
    }
    if (cause instanceof NoSuchFileException missing) {
      err.println(name + ": no such file: " + missing.getFile());
      return ExitCodes.USAGE;
    }
    if (cause instanceof BadInput) {
      err.println(name + ": " + cause.getMessage());
      return ExitCodes.USAGE;
    }
    if (cause instanceof CliFailure) {
      err.println(name + ": " + cause.getMessage());
      return ExitCodes.FAILED;
    }
    if (cause instanceof org.apache.kafka.common.errors.TimeoutException
        || cause instanceof TimeoutException) {
      err.println(
          name
              + ": Kafka did not answer in time (check KAFKA_BOOTSTRAP_SERVERS and the KAFKA_*"
              + " security settings): "
              + oneLine(cause));
      return ExitCodes.FAILED;
    }
    if (cause instanceof KafkaException || cause instanceof IOException) {
      err.println(name + ": " + oneLine(cause));
      return ExitCodes.FAILED;
    }
    throw e;
  }

  private static String oneLine(Throwable e) {
    String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    return message.strip().replaceAll("\\s*\\R\\s*", " ");
  }
}
