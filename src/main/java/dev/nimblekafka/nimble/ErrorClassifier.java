package dev.nimblekafka.nimble;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.http.HttpConnectTimeoutException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns an HTTP status and body, or a transport failure, into one {@link NimbleException}. Any
 * retry-after hint is honoured up to {@code maxRetryAfter}: one answer never holds the worker's
 * calls for longer.
 */
final class ErrorClassifier {
  private static final Logger log = LoggerFactory.getLogger(ErrorClassifier.class);
  private static final int MAX_MESSAGE = 300;

  /** Distinct hints whose clamp was logged; forgotten when this many, so it never grows. */
  private static final int MAX_CLAMPS_REMEMBERED = 64;

  private final ObjectMapper json;
  private final ApiKey apiKey;
  private final Duration maxRetryAfter;
  private final long maxBodyBytes;
  private final Set<String> clampsLogged = ConcurrentHashMap.newKeySet();

  /** A classifier with the default limits. */
  ErrorClassifier(ObjectMapper json, ApiKey apiKey) {
    this(
        json,
        apiKey,
        ResilienceSettings.defaults().backoffMax(),
        NimbleClientSettings.DEFAULT_MAX_ANSWER_BYTES);
  }

  /**
   * @param maxRetryAfter the longest retry-after hint honoured
   * @param maxBodyBytes the error-body limit, named when a body was too large to read
   */
  ErrorClassifier(ObjectMapper json, ApiKey apiKey, Duration maxRetryAfter, long maxBodyBytes) {
    this.json = json;
    this.apiKey = apiKey;
    this.maxRetryAfter = maxRetryAfter;
    this.maxBodyBytes = maxBodyBytes;
  }

  /**
   * @param body the error body, or null when it was over the limit and not read
   */
  NimbleException classify(int status, HttpHeaders headers, byte[] body) {
    JsonNode parsed = parse(body);
    String message =
        body == null
            ? "HTTP "
                + status
                + ": the answer is over NIMBLE_MAX_ANSWER_BYTES ("
                + maxBodyBytes
                + " bytes) and was not read"
            : message(status, parsed, body);
    if (status / 100 == 3) {
      String location = headers.firstValue("location").map(this::clean).orElse("none");
      return new NimbleException.Rejected(
          status,
          "REDIRECTED",
          "HTTP " + status + ": redirects are not followed (Location: " + location + ")",
          null);
    }
    if (status == 401) {
      return new NimbleException.AccessDenied(status, "UNAUTHORIZED", message);
    }
    if (status == 402) {
      return new NimbleException.AccessDenied(status, "PAYMENT_REQUIRED", message);
    }
    if (status == 403) {
      return new NimbleException.AccessDenied(status, "FORBIDDEN", message);
    }
    if (status == 429) {
      return new NimbleException.Unavailable(
          status, "RATE_LIMITED", message, hint(headers, parsed).orElse(null), null);
    }
    if (status == 408 || status >= 500) {
      String taskId =
          parsed != null && parsed.path("task_id").isTextual()
              ? parsed.path("task_id").asText()
              : null;
      return new NimbleException.Unavailable(
          status, "NIMBLE_UNAVAILABLE", message, hint(headers, parsed).orElse(null), taskId, null);
    }
    JsonNode details = parsed == null ? null : scrub(parsed.get("details"));
    String code =
        switch (status) {
          case 400, 422 -> "INVALID_REQUEST";
          case 404 -> "NOT_FOUND";
          default -> "REJECTED";
        };
    return new NimbleException.Rejected(status, code, message, details);
  }

  /** Details with the key taken out wherever Nimble echoed it. */
  private JsonNode scrub(JsonNode details) {
    if (details == null) {
      return null;
    }
    String text = details.toString();
    String clean = apiKey.scrub(text);
    if (clean.equals(text)) {
      return details;
    }
    try {
      return json.readTree(clean);
    } catch (IOException e) {
      return json.getNodeFactory().textNode(clean);
    }
  }

  NimbleException transport(Throwable failure) {
    Throwable cause = unwrap(failure);
    if (cause instanceof NimbleException nimble) {
      return nimble;
    }
    if (cause instanceof HttpConnectTimeoutException || cause instanceof ConnectException) {
      // the request never went out: safe to send again
      return new NimbleException.Unavailable(
          0, "CONNECT_FAILED", "cannot connect: " + cause.getClass().getSimpleName(), null, null);
    }
    if (cause instanceof HttpTimeoutException) {
      return new NimbleException.Unavailable(0, "TIMEOUT", "call timed out", null, null);
    }
    if (cause instanceof IOException || cause instanceof CancellationException) {
      String what = cause.getClass().getSimpleName();
      String text =
          cause.getMessage() == null ? what : what + ": " + trim(apiKey.scrub(cause.getMessage()));
      return new NimbleException.Unavailable(0, "IO_ERROR", text, null, null);
    }
    return new NimbleException.Unavailable(
        0, "CLIENT_ERROR", apiKey.scrub(String.valueOf(cause)), null, null);
  }

  static Throwable unwrap(Throwable failure) {
    Throwable current = failure;
    while ((current instanceof CompletionException || current instanceof ExecutionException)
        && current.getCause() != null) {
      current = current.getCause();
    }
    return current;
  }

  private JsonNode parse(byte[] body) {
    if (body == null || body.length == 0) {
      return null;
    }
    try {
      return json.readTree(body);
    } catch (IOException notJson) {
      return null;
    }
  }

  private String message(int status, JsonNode parsed, byte[] body) {
    String text = null;
    if (parsed != null) {
      JsonNode error = parsed.path("error");
      if (error.isObject()) {
        text = error.path("message").asText(null);
      }
      for (String field : new String[] {"msg", "message", "error", "detail"}) {
        if (text == null && parsed.path(field).isTextual()) {
          text = parsed.path(field).asText();
        }
      }
    }
    if (text == null && body != null && body.length > 0 && parsed == null) {
      text = new String(body, StandardCharsets.UTF_8);
    }
    // scrubbed before it is cut, so no part of the key survives at the cut
    return "HTTP " + status + (text == null ? "" : ": " + clean(text));
  }

  /** Nimble text made safe for a log line or a message: scrubbed, escaped, cut. */
  private String clean(String text) {
    return trim(apiKey.scrub(text));
  }

  /**
   * The answer's retry-after hint, clamped to {@code maxRetryAfter}. A clamp is logged once per
   * distinct hint, so a gateway that keeps asking for a day is seen without flooding the log.
   */
  Optional<Duration> hint(HttpHeaders headers, JsonNode body) {
    Optional<Duration> asked = retryAfter(headers, body);
    if (asked.isEmpty() || asked.get().compareTo(maxRetryAfter) <= 0) {
      return asked;
    }
    String seen = asked.get().toString();
    if (clampsLogged.size() >= MAX_CLAMPS_REMEMBERED) {
      clampsLogged.clear();
    }
    if (clampsLogged.add(seen)) {
      log.warn(
          "Nimble asked to wait {} ({} s) before trying again; waiting at most {} ms"
              + " (NIMBLE_BACKOFF_MAX)",
          clean(headers.firstValue("retry-after").orElse(seen)),
          asked.get().toSeconds(),
          maxRetryAfter.toMillis());
    }
    return Optional.of(maxRetryAfter);
  }

  /**
   * A retry-after hint as Nimble sent it: the {@code retry-after-ms} or {@code Retry-After} header
   * (seconds or an HTTP date), or {@code retry_after} in the body. Nimble does not state the body's
   * unit (its examples show 2 and, on an older page, 1000); it is read in seconds, as the header of
   * the same name is. Read so, a hint can only make the worker wait longer than meant, never hammer
   * a key that is out of calls; the clamp in {@link #hint} bounds how much longer.
   */
  static Optional<Duration> retryAfter(HttpHeaders headers, JsonNode body) {
    Optional<String> millis = headers.firstValue("retry-after-ms");
    if (millis.isPresent()) {
      try {
        return Optional.of(Duration.ofMillis((long) Double.parseDouble(millis.get().trim())));
      } catch (NumberFormatException ignored) {
        // fall through to the other hints
      }
    }
    Optional<String> header = headers.firstValue("retry-after");
    if (header.isPresent()) {
      String value = header.get().trim();
      try {
        return Optional.of(Duration.ofMillis((long) (Double.parseDouble(value) * 1000)));
      } catch (NumberFormatException notSeconds) {
        try {
          ZonedDateTime at = ZonedDateTime.parse(value, DateTimeFormatter.RFC_1123_DATE_TIME);
          Duration wait = Duration.between(ZonedDateTime.now(at.getZone()), at);
          return Optional.of(wait.isNegative() ? Duration.ZERO : wait);
        } catch (RuntimeException notDate) {
          // unusable header
        }
      }
    }
    if (body != null) {
      JsonNode hint = body.path("error").path("retry_after");
      if (hint.isMissingNode()) {
        hint = body.path("retry_after");
      }
      if (hint.isNumber()) {
        return Optional.of(Duration.ofMillis((long) (Math.max(0, hint.asDouble()) * 1000)));
      }
    }
    return Optional.empty();
  }

  private static String trim(String text) {
    String cut = text.length() > MAX_MESSAGE ? text.substring(0, MAX_MESSAGE) + "…" : text;
    return escape(cut.strip());
  }

  /**
   * Text from Nimble with every ISO control character escaped ({@code \n}, {@code \r}, {@code \t},
   * else {@code \}{@code uXXXX}), so that it can never start a log line of its own or move a
   * terminal's cursor. Null stays null.
   */
  static String escape(String text) {
    if (text == null) {
      return null;
    }
    StringBuilder out = null;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isISOControl(c)) {
        if (out != null) {
          out.append(c);
        }
        continue;
      }
      if (out == null) {
        out = new StringBuilder(text.length() + 16).append(text, 0, i);
      }
      switch (c) {
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> out.append(String.format("\\u%04x", (int) c));
      }
    }
    return out == null ? text : out.toString();
  }
}
