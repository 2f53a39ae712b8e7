package dev.nimblekafka.sim;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The task-state names the simulator writes. Nimble's sources disagree, so each documented
 * vocabulary can be chosen:
 *
 * <table>
 *   <caption>State names per vocabulary</caption>
 *   <tr><th>vocabulary</th><th>just created</th><th>waiting for a slot</th><th>running</th>
 *       <th>done</th><th>failed</th></tr>
 *   <tr><td>{@code nimble-docs}</td><td>pending</td><td>pending</td><td>running</td>
 *       <td>completed</td><td>failed</td></tr>
 *   <tr><td>{@code sdk}</td><td>pending</td><td>pending</td><td>pending</td><td>success</td>
 *       <td>error</td></tr>
 *   <tr><td>{@code v2}</td><td>pending</td><td>queued</td><td>in_progress</td><td>success</td>
 *       <td>error</td></tr>
 * </table>
 *
 * <p>The creation response of every vocabulary says {@code pending}.
 */
public enum StateVocabulary {
  NIMBLE_DOCS("nimble-docs", "pending", "pending", "running", "completed", "failed"),
  SDK("sdk", "pending", "pending", "pending", "success", "error"),
  V2("v2", "pending", "queued", "in_progress", "success", "error");

  private final String cliName;
  private final String created;
  private final String waiting;
  private final String running;
  private final String completed;
  private final String failed;

  StateVocabulary(
      String cliName,
      String created,
      String waiting,
      String running,
      String completed,
      String failed) {
    this.cliName = cliName;
    this.created = created;
    this.waiting = waiting;
    this.running = running;
    this.completed = completed;
    this.failed = failed;
  }

  /** The name used on the command line: {@code nimble-docs}, {@code sdk} or {@code v2}. */
  public String cliName() {
    return cliName;
  }

  /** The state written in creation responses. */
  public String created() {
    return created;
  }

  public String waiting() {
    return waiting;
  }

  public String running() {
    return running;
  }

  public String completed() {
    return completed;
  }

  public String failed() {
    return failed;
  }

  /** Reads a command-line name ({@code nimble-docs}, {@code sdk}, {@code v2}; case-insensitive). */
  public static StateVocabulary parse(String name) {
    String wanted = name.trim().toLowerCase(Locale.ROOT).replace('_', '-');
    for (StateVocabulary v : values()) {
      if (v.cliName.equals(wanted)) {
        return v;
      }
    }
    throw new IllegalArgumentException(
        "unknown state vocabulary '"
            + name
            + "' (use "
            + Arrays.stream(values()).map(v -> v.cliName).collect(Collectors.joining(", "))
            + ")");
  }

  String name(Phase phase) {
    return switch (phase) {
      case QUEUED, EXPIRED -> waiting;
      case RUNNING -> running;
      case COMPLETED -> completed;
      case FAILED -> failed;
    };
  }
}
