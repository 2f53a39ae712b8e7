package dev.nimblekafka.wire;

import java.util.Set;

/** Error vocabulary of Nimble's documented error bodies. */
public final class NimbleErrors {
  /** The {@code error} of a 400 whose {@code details.schema_validation_errors} lists problems. */
  public static final String SCHEMA_VALIDATION_ERROR =
      "PARAMETERS_FAILED_JSON_SCHEMA_VALIDATION_ERROR";

  /** The four documented {@code msg} values of a 402. */
  public static final Set<String> PAYMENT_MESSAGES =
      Set.of("no budget", "limit reached", "trial expired", "trial quota finished");

  public static final String TASK_NOT_FOUND = "Task not found";
  public static final String BATCH_NOT_FOUND = "Batch not found";
  public static final String AGENT_NOT_FOUND = "Agent not found";

  /** v2's counterpart of {@link #AGENT_NOT_FOUND} (undocumented: the simulator's choice). */
  public static final String TEMPLATE_NOT_FOUND = "Template not found";

  public static final String RATE_LIMITED = "Rate limit exceeded";

  private NimbleErrors() {}
}
