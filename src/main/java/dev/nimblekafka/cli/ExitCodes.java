package dev.nimblekafka.cli;

import java.util.LinkedHashMap;
import java.util.Map;
import picocli.CommandLine;

/**
 * The exit codes of every command, defined once: the commands return these, and each command's
 * {@code --help} lists them (the README's table is checked against {@link #MEANINGS}).
 */
final class ExitCodes {
  /** Done. */
  static final int OK = 0;

  /** Kafka did not answer, a topic is missing, a file could not be read; the worker's loop died. */
  static final int FAILED = 1;

  /** A bad option, setting or input line; nothing (more) was done. The worker cannot start. */
  static final int USAGE = 2;

  /** Done in part: outcomes still pending when submit --wait gave up, or failures not replayed. */
  static final int PARTLY = 3;

  /**
   * Every awaited outcome arrived, and a request failed: submit --wait read a failure record, or a
   * crawl summary that says the crawl failed or was canceled.
   */
  static final int REQUESTS_FAILED = 4;

  /** Each code and what it means, in order. */
  static final Map<Integer, String> MEANINGS = meanings();

  private ExitCodes() {}

  private static Map<Integer, String> meanings() {
    Map<Integer, String> meanings = new LinkedHashMap<>();
    meanings.put(OK, "done (the worker: stopped by SIGTERM after draining)");
    meanings.put(
        FAILED,
        "Kafka did not answer, a topic is missing, or a file could not be read; the worker's"
            + " loop died");
    meanings.put(
        USAGE,
        "a bad option, setting or input line (nothing more was sent); the worker cannot start");
    meanings.put(
        PARTLY,
        "done in part: submit --wait gave up with outcomes still pending; replay left out"
            + " failures (at --max-replays, or without their request)");
    meanings.put(
        REQUESTS_FAILED,
        "submit --wait: every outcome arrived, and a request failed (a failure record, or a crawl"
            + " that failed or was canceled)");
    return Map.copyOf(meanings);
  }

  /** Adds the codes to the help of {@code command} and of each of its subcommands. */
  static void document(CommandLine command) {
    Map<String, String> section = new LinkedHashMap<>();
    for (int code : new java.util.TreeSet<>(MEANINGS.keySet())) {
      section.put(Integer.toString(code), MEANINGS.get(code));
    }
    command
        .getCommandSpec()
        .usageMessage()
        .exitCodeListHeading("%nExit codes:%n")
        .exitCodeList(section);
    command.getSubcommands().values().forEach(ExitCodes::document);
  }
}
