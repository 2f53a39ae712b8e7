package dev.nimblekafka.nimble;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Optional;
import java.util.Set;

/**
 * Every failure of a Nimble call, classified once, at the HTTP boundary:
 *
 * <ul>
 *   <li>{@link Rejected}: terminal for that request (400/422 with Nimble's schema errors, 404,
 *       other 4xx). Retrying cannot help.
 *   <li>{@link AccessDenied}: stop submitting (401 bad key, 402 budget, 403 account blocked).
 *       Nothing is wrong with the request; the account must be fixed.
 *   <li>{@link Unavailable}: retriable (429, 5xx, IO errors, timeouts), with any retry-after hint.
 * </ul>
 *
 * Messages never contain the API key: bodies are scrubbed before they are kept.
 */
public abstract sealed class NimbleException extends RuntimeException
    permits NimbleException.Rejected, NimbleException.AccessDenied, NimbleException.Unavailable {

  private final int httpStatus;
  private final String code;

  NimbleException(int httpStatus, String code, String message, Throwable cause) {
    super(message, cause, false, false);
    this.httpStatus = httpStatus;
    this.code = code;
  }

  /**
   * The {@link NimbleException} behind a failed future, unwrapping {@code CompletionException}s;
   * anything else (a bug, a rejected call) is reported as retriable, never as the request's fault.
   */
  public static NimbleException of(Throwable failure) {
    Throwable cause = ErrorClassifier.unwrap(failure);
    if (cause instanceof NimbleException nimble) {
      return nimble;
    }
    String name = cause.getClass().getSimpleName();
    String code = name.equals("CallNotPermittedException") ? "CIRCUIT_OPEN" : "CLIENT_ERROR";
    return new Unavailable(0, code, name, null, cause);
  }

  /** The HTTP status, or 0 when no response arrived (IO error, timeout). */
  public int httpStatus() {
    return httpStatus;
  }

  /** When Nimble said to try again, if it said so (only {@link Unavailable} carries it). */
  public Optional<Duration> retryAfter() {
    return Optional.empty();
  }

  /** A stable, upper-case code for failure records and metrics, e.g. {@code INVALID_REQUEST}. */
  public String code() {
    return code;
  }

  /** A 4xx that concerns the request itself. */
  public static final class Rejected extends NimbleException {
    private final JsonNode details;

    public Rejected(int httpStatus, String code, String message, JsonNode details) {
      super(httpStatus, code, message, null);
      this.details = details;
    }

    /** Nimble's {@code details} (e.g. {@code schema_validation_errors}), or null. */
    public JsonNode details() {
      return details;
    }
  }

  /** 401, 402 or 403: the account cannot create tasks now. */
  public static final class AccessDenied extends NimbleException {
    public AccessDenied(int httpStatus, String code, String message) {
      super(httpStatus, code, message, null);
    }

    public boolean isPayment() {
      return httpStatus() == 402;
    }
  }

  /**
   * 429, 5xx, IO error or timeout: try again later. For a call that creates tasks, {@link
   * #mayHaveCreated()} says whether Nimble may have created them although no answer said so.
   */
  public static final class Unavailable extends NimbleException {
    /** Codes of failures where the request surely never reached Nimble, or was refused whole. */
    private static final Set<String> NOT_CREATED =
        Set.of("RATE_LIMITED", "CONNECT_FAILED", "THROTTLED", "CIRCUIT_OPEN", Unavailable.FENCED);

    /** The code of a call never sent because its caller no longer owned what it was for. */
    public static final String FENCED = "FENCED";

    private final Duration retryAfter;
    private final String taskId;

    public Unavailable(
        int httpStatus, String code, String message, Duration retryAfter, Throwable cause) {
      this(httpStatus, code, message, retryAfter, null, cause);
    }

    /**
     * @param taskId the task id the answer named (Nimble's 500 body carries one), or null
     */
    public Unavailable(
        int httpStatus,
        String code,
        String message,
        Duration retryAfter,
        String taskId,
        Throwable cause) {
      super(httpStatus, code, message, cause);
      this.retryAfter = retryAfter;
      this.taskId = taskId;
    }

    @Override
    public Optional<Duration> retryAfter() {
      return Optional.ofNullable(retryAfter);
    }

    /** The task id the answer named, if it named one. */
    public Optional<String> taskId() {
      return Optional.ofNullable(taskId);
    }

    public boolean isRateLimit() {
      return httpStatus() == 429;
    }

    /** Whether the call was never sent because its caller no longer owned it. */
    public boolean fenced() {
      return FENCED.equals(code());
    }

    /**
     * Whether a create call that failed so may still have created its task: a timeout, a connection
     * closed after the request went out, a 5xx. Not so for a 429, a refused connection, a local
     * throttle or an open circuit, which are safe to send again at once.
     */
    public boolean mayHaveCreated() {
      return !NOT_CREATED.contains(code());
    }
  }
}
