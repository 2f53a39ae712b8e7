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
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;

/** Turns an HTTP status and body, or a transport failure, into one {@link NimbleException}. */
final class ErrorClassifier {
  private static final int MAX_MESSAGE = 300;
  private final ObjectMapper json;
  private final ApiKey apiKey;

  ErrorClassifier(ObjectMapper json, ApiKey apiKey) {
    this.json = json;
    this.apiKey = apiKey;
  }

  NimbleException classify(int status, HttpHeaders headers, byte[] body) {
    JsonNode parsed = parse(body);
    String message = message(status, parsed, body);
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
          status, "RATE_LIMITED", message, retryAfter(headers, parsed).orElse(null), null);
    }
    if (status == 408 || status >= 500) {
      String taskId =
          parsed != null && parsed.path("task_id").isTextual()
              ? parsed.path("task_id").asText()
              : null;
      return new NimbleException.Unavailable(
          status,
          "NIMBLE_UNAVAILABLE",
          message,
          retryAfter(headers, parsed).orElse(null),
          taskId,
          null);
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
    return "HTTP " + status + (text == null ? "" : ": " + trim(apiKey.scrub(text)));
  }

  /**
   * A retry-after hint: the {@code retry-after-ms} or {@code Retry-After} header (seconds or an
   * HTTP date), or {@code retry_after} in the body. The body's unit is not documented (examples
   * show 2 and 1000): values above 100 are read as milliseconds, smaller ones as seconds.
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
        double value = hint.asDouble();
        return Optional.of(
            value > 100
                ? Duration.ofMillis((long) value)
                : Duration.ofMillis((long) (value * 1000)));
      }
    }
    return Optional.empty();
  }

  private static String trim(String text) {
    String oneLine = text.replaceAll("[\\r\\n\\t]+", " ").strip();
    return oneLine.length() > MAX_MESSAGE ? oneLine.substring(0, MAX_MESSAGE) + "…" : oneLine;
  }
}
