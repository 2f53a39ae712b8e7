package dev.nimblekafka.sim;

import static dev.nimblekafka.wire.NimbleLimits.MAX_URL_LENGTH;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * The body of {@code POST /v{1,2}/crawl} (the SDK's {@code CrawlRunParams}), checked against its
 * documented limits: {@code url} required; {@code limit} 1 to 10,000 (default 5,000); {@code
 * max_discovery_depth} 1 to 20 (default {@value #DEFAULT_DEPTH}, the simulator's choice); {@code
 * sitemap} skip, include or only (default skip); {@code include_paths} and {@code exclude_paths}
 * arrays of regular expressions; the four flags booleans; {@code name} a string; {@code
 * extract_options} an extract body without {@code url}; {@code callback} a URI or {@code {url,
 * headers, metadata, events}}.
 *
 * @param body the request as sent (its {@code extract_options} and {@code callback} are echoed)
 */
record CrawlParams(
    String url,
    String name,
    int limit,
    int maxDiscoveryDepth,
    String sitemap,
    List<Pattern> includePaths,
    List<Pattern> excludePaths,
    ObjectNode extractOptions,
    Callback callback,
    JsonNode body) {

  static final int DEFAULT_LIMIT = 5_000;
  static final int MAX_LIMIT = 10_000;
  static final int DEFAULT_DEPTH = 10;
  static final int MAX_DEPTH = 20;
  static final Set<String> SITEMAP_MODES = Set.of("skip", "include", "only");
  static final Set<String> EVENTS = Set.of("started", "page", "completed", "failed");
  private static final String[] FLAGS = {
    "crawl_entire_domain", "allow_subdomains", "allow_external_links", "ignore_query_parameters"
  };

  /**
   * Where a crawl's events go: {@code url}, extra {@code headers}, {@code metadata} echoed in every
   * payload (an empty object when none was given) and the {@code events} wanted (all by default).
   */
  record Callback(String url, Map<String, String> headers, JsonNode metadata, Set<String> events) {
    boolean wants(String event) {
      return events.contains(event);
    }
  }

  /** The validated parameters, or the schema errors of the body. */
  record Outcome(CrawlParams params, List<SchemaError> errors) {}

  boolean flag(String name) {
    return body.path(name).asBoolean(false);
  }

  /** True if a discovered page at {@code path} may be crawled: included and not excluded. */
  boolean admits(String path) {
    for (Pattern exclude : excludePaths) {
      if (exclude.matcher(path).find()) {
        return false;
      }
    }
    if (includePaths.isEmpty()) {
      return true;
    }
    for (Pattern include : includePaths) {
      if (include.matcher(path).find()) {
        return true;
      }
    }
    return false;
  }

  /** The options as answered in {@code crawl_options}. */
  ObjectNode options() {
    ObjectNode options = Json.object();
    for (String flag : FLAGS) {
      options.put(flag, flag(flag));
    }
    options.put("limit", limit);
    options.put("max_discovery_depth", maxDiscoveryDepth);
    options.put("sitemap", sitemap);
    if (body.hasNonNull("callback")) {
      options.set("callback", body.get("callback"));
    }
    for (String paths : new String[] {"include_paths", "exclude_paths"}) {
      if (body.hasNonNull(paths)) {
        options.set(paths, body.get(paths));
      }
    }
    return options;
  }

  static Outcome read(JsonNode body) {
    Validator v = new Validator();
    if (body == null || !v.object(body, "", "#")) {
      if (body == null) {
        v.type("", "#", "object");
      }
      return new Outcome(null, v.errors());
    }
    String url = url(v, body);
    int limit = integer(v, body, "limit", DEFAULT_LIMIT, 1, MAX_LIMIT);
    int depth = integer(v, body, "max_discovery_depth", DEFAULT_DEPTH, 1, MAX_DEPTH);
    String sitemap = "skip";
    JsonNode mode = body.get("sitemap");
    if (present(mode) && v.string(mode, "/sitemap", "#/properties/sitemap")) {
      if (SITEMAP_MODES.contains(mode.textValue())) {
        sitemap = mode.textValue();
      } else {
        v.enumeration("/sitemap", "#/properties/sitemap", new TreeSet<>(SITEMAP_MODES));
      }
    }
    List<Pattern> include = patterns(v, body, "include_paths");
    List<Pattern> exclude = patterns(v, body, "exclude_paths");
    for (String flag : FLAGS) {
      JsonNode value = body.get(flag);
      if (present(value) && !value.isBoolean()) {
        v.type("/" + flag, "#/properties/" + flag, "boolean");
      }
    }
    JsonNode name = body.get("name");
    if (present(name)) {
      v.string(name, "/name", "#/properties/name");
    }
    ObjectNode extract = Json.object();
    JsonNode options = body.get("extract_options");
    if (present(options) && v.object(options, "/extract_options", "#/properties/extract_options")) {
      v.extract(options, "/extract_options", "#/properties/extract_options", false);
      extract = ((ObjectNode) options).deepCopy();
      extract.remove("url");
    }
    Callback callback = callback(v, body.get("callback"));
    if (!v.ok()) {
      return new Outcome(null, v.errors());
    }
    String named = present(name) ? name.textValue() : null;
    return new Outcome(
        new CrawlParams(
            url, named, limit, depth, sitemap, include, exclude, extract, callback, body),
        List.of());
  }

  private static String url(Validator v, JsonNode body) {
    JsonNode url = body.get("url");
    if (!present(url)) {
      v.required("", "#", "url");
      return null;
    }
    if (!v.string(url, "/url", "#/properties/url")) {
      return null;
    }
    String text = url.textValue();
    if (text.length() > MAX_URL_LENGTH) {
      v.maxLength("/url", "#/properties/url", MAX_URL_LENGTH);
    } else if (SyntheticSite.hostOf(text).isEmpty()) {
      v.format("/url", "#/properties/url", "uri");
    }
    return text;
  }

  private static int integer(
      Validator v, JsonNode body, String field, int defaultValue, int min, int max) {
    JsonNode value = body.get(field);
    if (!present(value)) {
      return defaultValue;
    }
    String at = "/" + field;
    String schema = "#/properties/" + field;
    if (!value.isNumber() || value.asDouble() != Math.rint(value.asDouble())) {
      v.type(at, schema, "integer");
    } else if (value.asDouble() < min) {
      v.minimum(at, schema, min);
    } else if (value.asDouble() > max) {
      v.maximum(at, schema, max);
    } else {
      return value.asInt();
    }
    return defaultValue;
  }

  private static List<Pattern> patterns(Validator v, JsonNode body, String field) {
    JsonNode list = body.get(field);
    List<Pattern> patterns = new ArrayList<>();
    if (!present(list) || !v.array(list, "/" + field, "#/properties/" + field)) {
      return patterns;
    }
    for (int i = 0; i < list.size(); i++) {
      String at = "/" + field + "/" + i;
      String schema = "#/properties/" + field + "/items";
      if (v.string(list.get(i), at, schema)) {
        try {
          patterns.add(Pattern.compile(list.get(i).textValue()));
        } catch (PatternSyntaxException e) {
          v.format(at, schema, "regex");
        }
      }
    }
    return patterns;
  }

  private static Callback callback(Validator v, JsonNode callback) {
    String schema = "#/properties/callback";
    if (!present(callback)) {
      return null;
    }
    if (callback.isTextual()) {
      v.uri(callback.textValue(), "/callback", schema);
      return new Callback(callback.textValue(), Map.of(), Json.object(), EVENTS);
    }
    if (!v.object(callback, "/callback", schema)) {
      return null;
    }
    JsonNode url = callback.get("url");
    if (!present(url)) {
      v.required("/callback", schema, "url");
    } else if (v.string(url, "/callback/url", schema + "/properties/url")) {
      v.uri(url.textValue(), "/callback/url", schema + "/properties/url");
    }
    Map<String, String> headers = new LinkedHashMap<>();
    JsonNode given = callback.get("headers");
    if (present(given) && v.object(given, "/callback/headers", schema + "/properties/headers")) {
      given
          .fields()
          .forEachRemaining(
              e -> {
                String at = "/callback/headers/" + e.getKey();
                if (v.string(
                    e.getValue(), at, schema + "/properties/headers/additionalProperties")) {
                  headers.put(e.getKey(), e.getValue().textValue());
                }
              });
    }
    JsonNode metadata = callback.get("metadata");
    if (present(metadata)) {
      v.object(metadata, "/callback/metadata", schema + "/properties/metadata");
    } else {
      metadata = Json.object();
    }
    Set<String> events = EVENTS;
    JsonNode wanted = callback.get("events");
    if (present(wanted) && v.array(wanted, "/callback/events", schema + "/properties/events")) {
      events = new LinkedHashSet<>();
      for (int i = 0; i < wanted.size(); i++) {
        JsonNode event = wanted.get(i);
        if (event.isTextual() && EVENTS.contains(event.textValue())) {
          events.add(event.textValue());
        } else {
          v.enumeration(
              "/callback/events/" + i, schema + "/properties/events/items", new TreeSet<>(EVENTS));
        }
      }
    }
    return new Callback(url == null ? null : url.asText(), Map.copyOf(headers), metadata, events);
  }

  private static boolean present(JsonNode node) {
    return node != null && !node.isNull();
  }
}
