package dev.nimblekafka.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.wire.NimbleLimits;
import java.util.Locale;
import java.util.Set;

/**
 * Checks a request body against the limits Nimble documents, before any call is spent on it. Only
 * documented limits are checked; unknown fields pass through untouched.
 */
final class RequestValidator {
  static final int MAX_REQUEST_ID_LENGTH = 256;

  private RequestValidator() {}

  static void requestId(String id) {
    if (id.isEmpty() || id.length() > MAX_REQUEST_ID_LENGTH) {
      throw new Violation(
          "INVALID_FIELD",
          "request_id",
          MAX_REQUEST_ID_LENGTH,
          "request_id must be 1 to "
              + MAX_REQUEST_ID_LENGTH
              + " characters but has "
              + id.length());
    }
    if (id.chars().anyMatch(c -> Character.isISOControl(c))) {
      throw new Violation(
          "INVALID_FIELD", "request_id", null, "request_id must not contain control characters");
    }
  }

  static void extract(ObjectNode body, AllowedDestinations allowed) {
    url(body, "extract.url");
    formats(body, "extract.formats", NimbleLimits.EXTRACT_FORMATS);
    cookies(body.get("cookies"), "extract.cookies");
    headers(body.get("headers"), "extract.headers");
    timeout(body.get("request_timeout"), "extract.request_timeout");
    timeout(body.get("timeout"), "extract.timeout");
    timeout(body.path("render_options").get("timeout"), "extract.render_options.timeout");
    DeliveryRules.check(body, "extract", allowed);
    ownTag(body, "extract");
  }

  static void agent(ObjectNode body, AllowedDestinations allowed) {
    JsonNode agent = body.get("agent");
    if (agent == null || !agent.isTextual() || agent.asText().isBlank()) {
      throw new Violation(
          "MISSING_FIELD", "agent.agent", null, "agent.agent must be a non-empty agent name");
    }
    JsonNode params = body.get("params");
    if (params == null || !params.isObject() || params.isEmpty()) {
      throw new Violation(
          "INVALID_FIELD",
          "agent.params",
          1,
          "agent.params must be an object with at least 1 key (e.g. query, asin, url)");
    }
    formats(body, "agent.formats", NimbleLimits.AGENT_FORMATS);
    JsonNode localization = body.get("localization");
    if (localization != null && !localization.isBoolean() && !localization.isNull()) {
      throw new Violation(
          "INVALID_FIELD", "agent.localization", null, "agent.localization must be true or false");
    }
    DeliveryRules.check(body, "agent", allowed);
    DeliveryRules.check((ObjectNode) params, "agent.params", allowed);
    ownTag(body, "agent");
    ownTag((ObjectNode) params, "agent.params");
  }

  /**
   * A SERP body: a known {@code search_engine}; a {@code query} for the engines that search text, a
   * {@code place_id} for those that read a Maps place; {@code num_results} 1 to 100; {@code device}
   * and the documented flags typed as Nimble types them; the delivery rules of extract.
   */
  static void serp(ObjectNode body, AllowedDestinations allowed) {
    JsonNode engine = body.get("search_engine");
    if (engine == null || engine.isNull()) {
      throw new Violation(
          "MISSING_FIELD",
          "serp.search_engine",
          stable(NimbleLimits.SERP_ENGINES),
          "serp.search_engine is required: one of " + sorted(NimbleLimits.SERP_ENGINES));
    }
    if (!engine.isTextual() || !NimbleLimits.SERP_ENGINES.contains(engine.asText())) {
      throw new Violation(
          "INVALID_FIELD",
          "serp.search_engine",
          stable(NimbleLimits.SERP_ENGINES),
          "serp.search_engine must be one of "
              + sorted(NimbleLimits.SERP_ENGINES)
              + " but is "
              + engine);
    }
    boolean place = NimbleLimits.SERP_PLACE_ENGINES.contains(engine.asText());
    nonBlank(body, place ? "place_id" : "query", engine.asText());
    if (!place) {
      text(body.get("place_id"), "serp.place_id");
    }
    text(body.get("query"), "serp.query");
    JsonNode results = body.get("num_results");
    if (results != null && !results.isNull()) {
      boolean whole = results.isNumber() && results.asDouble() == Math.rint(results.asDouble());
      if (!whole || results.asDouble() < 1 || results.asDouble() > NimbleLimits.MAX_SERP_RESULTS) {
        throw new Violation(
            whole ? "LIMIT_EXCEEDED" : "INVALID_FIELD",
            "serp.num_results",
            NimbleLimits.MAX_SERP_RESULTS,
            "serp.num_results must be a whole number from 1 to "
                + NimbleLimits.MAX_SERP_RESULTS
                + " but is "
                + results);
      }
    }
    JsonNode device = body.get("device");
    if (device != null
        && !device.isNull()
        && !(device.isTextual() && NimbleLimits.SERP_DEVICES.contains(device.asText()))) {
      throw new Violation(
          "INVALID_FIELD",
          "serp.device",
          stable(NimbleLimits.SERP_DEVICES),
          "serp.device must be one of " + sorted(NimbleLimits.SERP_DEVICES) + " but is " + device);
    }
    for (String flag : new java.util.TreeSet<>(NimbleLimits.SERP_FLAGS)) {
      JsonNode value = body.get(flag);
      if (value != null && !value.isNull() && !value.isBoolean()) {
        throw new Violation(
            "INVALID_FIELD", "serp." + flag, null, "serp." + flag + " must be true or false");
      }
    }
    DeliveryRules.check(body, "serp", allowed);
    ownTag(body, "serp");
  }

  /** A string field {@code engine} needs: present and not blank. */
  private static void nonBlank(ObjectNode body, String name, String engine) {
    JsonNode value = body.get(name);
    if (value == null || value.isNull()) {
      throw new Violation(
          "MISSING_FIELD", "serp." + name, null, "serp." + name + " is required for " + engine);
    }
    if (!value.isTextual() || value.asText().isBlank()) {
      throw new Violation(
          "INVALID_FIELD",
          "serp." + name,
          null,
          "serp." + name + " must be a non-empty string for " + engine);
    }
  }

  /** An optional string field. */
  private static void text(JsonNode value, String field) {
    if (value != null && !value.isNull() && !value.isTextual()) {
      throw new Violation("INVALID_FIELD", field, null, field + " must be a string");
    }
  }

  /**
   * A request's own {@code tag} must not look like the mark the worker puts on its tasks: a task
   * with such a tag could be taken for the task of the request whose mark it copies.
   */
  private static void ownTag(ObjectNode body, String prefix) {
    JsonNode tag = body.get("tag");
    if (tag != null && tag.isTextual() && tag.asText().startsWith(ReservedTag.PREFIX)) {
      throw new Violation(
          "INVALID_FIELD",
          prefix + ".tag",
          null,
          prefix
              + ".tag must not start with "
              + ReservedTag.PREFIX
              + " (kept for the worker's own marks)");
    }
  }

  private static void url(ObjectNode body, String field) {
    JsonNode url = body.get("url");
    if (url == null || url.isNull()) {
      throw new Violation("MISSING_FIELD", field, null, field + " is required");
    }
    if (!url.isTextual()) {
      throw new Violation("INVALID_FIELD", field, null, field + " must be a string");
    }
    httpUrl(url.asText(), field, NimbleLimits.MAX_URL_LENGTH);
  }

  static void httpUrl(String text, String field, int maxLength) {
    if (text.length() > maxLength) {
      throw new Violation(
          "LIMIT_EXCEEDED",
          field,
          maxLength,
          field + " must be at most " + maxLength + " characters but has " + text.length());
    }
    String lower = text.toLowerCase(Locale.ROOT);
    int hostStart = lower.startsWith("https://") ? 8 : lower.startsWith("http://") ? 7 : -1;
    if (hostStart < 0 || text.length() == hostStart || text.charAt(hostStart) == '/') {
      throw new Violation(
          "INVALID_FIELD", field, null, field + " must be an http:// or https:// URL with a host");
    }
    if (text.chars().anyMatch(c -> Character.isWhitespace(c) || Character.isISOControl(c))) {
      throw new Violation(
          "INVALID_FIELD", field, null, field + " must not contain spaces or control characters");
    }
  }

  private static void formats(ObjectNode body, String field, Set<String> allowed) {
    JsonNode formats = body.get("formats");
    if (formats == null || formats.isNull()) {
      return;
    }
    if (!formats.isArray()) {
      throw new Violation(
          "INVALID_FIELD",
          field,
          stable(allowed),
          field + " must be an array of " + sorted(allowed));
    }
    for (JsonNode format : formats) {
      if (!format.isTextual() || !allowed.contains(format.asText())) {
        throw new Violation(
            "INVALID_FIELD",
            field,
            allowed,
            field + " must only contain " + sorted(allowed) + " but has " + format);
      }
    }
  }

  private static void cookies(JsonNode cookies, String field) {
    if (cookies == null || cookies.isNull()) {
      return;
    }
    int count;
    if (cookies.isArray() || cookies.isObject()) {
      count = cookies.size();
    } else if (cookies.isTextual()) {
      count =
          (int)
              java.util.Arrays.stream(cookies.asText().split(";"))
                  .filter(s -> !s.isBlank())
                  .count();
    } else {
      throw new Violation("INVALID_FIELD", field, null, field + " must be an array or a string");
    }
    if (count > NimbleLimits.MAX_COOKIES) {
      throw new Violation(
          "LIMIT_EXCEEDED",
          field,
          NimbleLimits.MAX_COOKIES,
          field + " must have at most " + NimbleLimits.MAX_COOKIES + " cookies but has " + count);
    }
  }

  private static void headers(JsonNode headers, String field) {
    if (headers == null || headers.isNull()) {
      return;
    }
    if (!headers.isObject() && !headers.isArray()) {
      throw new Violation("INVALID_FIELD", field, null, field + " must be an object");
    }
    if (headers.size() > NimbleLimits.MAX_HEADERS) {
      throw new Violation(
          "LIMIT_EXCEEDED",
          field,
          NimbleLimits.MAX_HEADERS,
          field
              + " must have at most "
              + NimbleLimits.MAX_HEADERS
              + " headers but has "
              + headers.size());
    }
  }

  private static void timeout(JsonNode timeout, String field) {
    if (timeout == null || timeout.isNull() || timeout.isMissingNode()) {
      return;
    }
    if (!timeout.isNumber()) {
      throw new Violation(
          "INVALID_FIELD",
          field,
          NimbleLimits.MAX_TIMEOUT_MS,
          field + " must be a number of ms between 0 and " + NimbleLimits.MAX_TIMEOUT_MS);
    }
    double value = timeout.asDouble();
    if (value < 0 || value > NimbleLimits.MAX_TIMEOUT_MS) {
      throw new Violation(
          "LIMIT_EXCEEDED",
          field,
          NimbleLimits.MAX_TIMEOUT_MS,
          field
              + " must be between 0 and "
              + NimbleLimits.MAX_TIMEOUT_MS
              + " ms but was "
              + timeout.asText());
    }
  }

  static String sorted(Set<String> values) {
    return new java.util.TreeSet<>(values).toString();
  }

  /** A set as a limit, in a stable order. */
  static java.util.SortedSet<String> stable(Set<String> values) {
    return new java.util.TreeSet<>(values);
  }
}
