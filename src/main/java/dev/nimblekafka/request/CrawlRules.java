package dev.nimblekafka.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.wire.NimbleLimits;
import java.util.Map;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Checks a crawl body ({@code POST /crawl}) against what Nimble documents: an http(s) {@code url};
 * {@code limit} 1 to 10,000 pages; {@code max_discovery_depth} 1 to 20; {@code sitemap} skip,
 * include or only; {@code include_paths} and {@code exclude_paths} lists of regular expressions;
 * the documented flags as booleans; {@code extract_options} an object; a {@code callback} that is
 * an allowed URL, or an object with one and known events.
 */
final class CrawlRules {
  private CrawlRules() {}

  static void check(ObjectNode body, AllowedDestinations allowed) {
    JsonNode url = body.get("url");
    if (url == null || url.isNull()) {
      throw new Violation("MISSING_FIELD", "crawl.url", null, "crawl.url is required");
    }
    if (!url.isTextual()) {
      throw new Violation("INVALID_FIELD", "crawl.url", null, "crawl.url must be a string");
    }
    RequestValidator.httpUrl(url.asText(), "crawl.url", NimbleLimits.MAX_URL_LENGTH);
    whole(body.get("limit"), "crawl.limit", NimbleLimits.MAX_CRAWL_PAGES);
    whole(
        body.get("max_discovery_depth"), "crawl.max_discovery_depth", NimbleLimits.MAX_CRAWL_DEPTH);
    JsonNode sitemap = body.get("sitemap");
    if (sitemap != null
        && !sitemap.isNull()
        && !(sitemap.isTextual() && NimbleLimits.CRAWL_SITEMAP.contains(sitemap.asText()))) {
      throw new Violation(
          "INVALID_FIELD",
          "crawl.sitemap",
          RequestValidator.stable(NimbleLimits.CRAWL_SITEMAP),
          "crawl.sitemap must be one of "
              + RequestValidator.sorted(NimbleLimits.CRAWL_SITEMAP)
              + " but is "
              + sitemap);
    }
    patterns(body.get("include_paths"), "crawl.include_paths");
    patterns(body.get("exclude_paths"), "crawl.exclude_paths");
    for (String flag : new TreeSet<>(NimbleLimits.CRAWL_FLAGS)) {
      JsonNode value = body.get(flag);
      if (value != null && !value.isNull() && !value.isBoolean()) {
        throw new Violation(
            "INVALID_FIELD", "crawl." + flag, null, "crawl." + flag + " must be true or false");
      }
    }
    JsonNode name = body.get("name");
    if (name != null && !name.isNull() && !name.isTextual()) {
      throw new Violation("INVALID_FIELD", "crawl.name", null, "crawl.name must be a string");
    }
    JsonNode options = body.get("extract_options");
    if (options != null && !options.isNull() && !options.isObject()) {
      throw new Violation(
          "INVALID_FIELD",
          "crawl.extract_options",
          null,
          "crawl.extract_options must be a JSON object (an extract body without url)");
    }
    callback(body.get("callback"), allowed);
  }

  /** An optional whole number from 1 to {@code max}. */
  private static void whole(JsonNode value, String field, int max) {
    if (value == null || value.isNull()) {
      return;
    }
    boolean whole = value.isNumber() && value.asDouble() == Math.rint(value.asDouble());
    if (!whole || value.asDouble() < 1 || value.asDouble() > max) {
      throw new Violation(
          whole ? "LIMIT_EXCEEDED" : "INVALID_FIELD",
          field,
          max,
          field + " must be a whole number from 1 to " + max + " but is " + value);
    }
  }

  /** An optional list of regular expressions (matched against a page's path). */
  private static void patterns(JsonNode value, String field) {
    if (value == null || value.isNull()) {
      return;
    }
    if (!value.isArray()) {
      throw new Violation(
          "INVALID_FIELD", field, null, field + " must be a list of regular expressions");
    }
    for (int i = 0; i < value.size(); i++) {
      JsonNode pattern = value.get(i);
      String at = field + "[" + i + "]";
      if (!pattern.isTextual()) {
        throw new Violation("INVALID_FIELD", at, null, at + " must be a string");
      }
      try {
        Pattern.compile(pattern.asText());
      } catch (PatternSyntaxException e) {
        throw new Violation(
            "INVALID_FIELD", at, null, at + " must be a regular expression: " + e.getDescription());
      }
    }
  }

  /** A URL string, or {@code {url, headers, metadata, events}}. */
  private static void callback(JsonNode callback, AllowedDestinations allowed) {
    if (callback == null || callback.isNull() || callback.isTextual()) {
      DeliveryRules.callback(callback, "crawl.callback", allowed);
      return;
    }
    if (!callback.isObject()) {
      throw new Violation(
          "INVALID_FIELD",
          "crawl.callback",
          null,
          "crawl.callback must be a URL or an object with a url");
    }
    JsonNode url = callback.get("url");
    if (url == null || url.isNull()) {
      throw new Violation(
          "MISSING_FIELD", "crawl.callback.url", null, "crawl.callback.url is required");
    }
    DeliveryRules.callback(url, "crawl.callback.url", allowed);
    JsonNode events = callback.get("events");
    if (events != null && !events.isNull()) {
      if (!events.isArray()) {
        throw new Violation(
            "INVALID_FIELD", "crawl.callback.events", null, "crawl.callback.events must be a list");
      }
      for (JsonNode event : events) {
        if (!event.isTextual() || !NimbleLimits.CRAWL_EVENTS.contains(event.asText())) {
          throw new Violation(
              "INVALID_FIELD",
              "crawl.callback.events",
              RequestValidator.stable(NimbleLimits.CRAWL_EVENTS),
              "crawl.callback.events must name only "
                  + RequestValidator.sorted(NimbleLimits.CRAWL_EVENTS)
                  + " but has "
                  + event);
        }
      }
    }
    JsonNode headers = callback.get("headers");
    if (headers != null && !headers.isNull()) {
      if (!headers.isObject()) {
        throw new Violation(
            "INVALID_FIELD",
            "crawl.callback.headers",
            null,
            "crawl.callback.headers must be an object of strings");
      }
      for (Map.Entry<String, JsonNode> header :
          (Iterable<Map.Entry<String, JsonNode>>) headers::fields) {
        if (!header.getValue().isTextual()) {
          throw new Violation(
              "INVALID_FIELD",
              "crawl.callback.headers",
              null,
              "crawl.callback.headers must be an object of strings");
        }
      }
    }
    JsonNode metadata = callback.get("metadata");
    if (metadata != null && !metadata.isNull() && !metadata.isObject()) {
      throw new Violation(
          "INVALID_FIELD",
          "crawl.callback.metadata",
          null,
          "crawl.callback.metadata must be a JSON object");
    }
  }
}
