package dev.nimblekafka.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.request.ParseResult;
import dev.nimblekafka.request.RequestError;
import dev.nimblekafka.request.RequestParser;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.Map;

/**
 * The one crawl request {@code submit --crawl URL} sends, checked by the worker's own rules before
 * it is sent, so a bad option is refused naming the option, the field and its limit.
 */
final class CrawlRequest {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The request field each option fills. */
  private static final Map<String, String> OPTIONS =
      Map.of(
          "crawl.url", "--crawl",
          "crawl.limit", "--limit",
          "crawl.max_discovery_depth", "--depth",
          "crawl.include_paths", "--include",
          "crawl.exclude_paths", "--exclude");

  private CrawlRequest() {}

  /**
   * {@code {"request_id", "crawl": {url, limit?, max_discovery_depth?, include_paths?,
   * exclude_paths?}}}; throws {@link BadInput} naming the option that breaks a limit.
   */
  static ObjectNode of(
      String requestId,
      String url,
      Integer limit,
      Integer depth,
      List<String> include,
      List<String> exclude) {
    ObjectNode request = JSON.createObjectNode();
    request.put("request_id", requestId);
    ObjectNode crawl = request.putObject("crawl");
    crawl.put("url", url);
    if (limit != null) {
      crawl.put("limit", limit);
    }
    if (depth != null) {
      crawl.put("max_discovery_depth", depth);
    }
    patterns(crawl, "include_paths", include);
    patterns(crawl, "exclude_paths", exclude);
    check(request);
    return request;
  }

  private static void patterns(ObjectNode crawl, String field, List<String> patterns) {
    if (patterns != null && !patterns.isEmpty()) {
      ArrayNode list = crawl.putArray(field);
      patterns.forEach(list::add);
    }
  }

  private static void check(ObjectNode request) {
    byte[] value;
    try {
      value = JSON.writeValueAsBytes(request);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
    if (new RequestParser(JSON).parse("submit", 0, 0, value)
        instanceof ParseResult.Invalid invalid) {
      RequestError error = invalid.error();
      throw new BadInput(option(error.field()) + ": " + error.message() + "; nothing was sent");
    }
  }

  /** {@code --include} for {@code crawl.include_paths[2]}; the field itself for any other. */
  private static String option(String field) {
    if (field == null) {
      return "--crawl";
    }
    String base = field.replaceFirst("\\[\\d+]$", "");
    return OPTIONS.getOrDefault(base, field);
  }
}
