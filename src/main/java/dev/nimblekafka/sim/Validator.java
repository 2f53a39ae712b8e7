package dev.nimblekafka.sim;

import static dev.nimblekafka.wire.NimbleLimits.AGENT_FORMATS;
import static dev.nimblekafka.wire.NimbleLimits.EXTRACT_FORMATS;
import static dev.nimblekafka.wire.NimbleLimits.MAX_COOKIES;
import static dev.nimblekafka.wire.NimbleLimits.MAX_HEADERS;
import static dev.nimblekafka.wire.NimbleLimits.MAX_SERP_RESULTS;
import static dev.nimblekafka.wire.NimbleLimits.MAX_TIMEOUT_MS;
import static dev.nimblekafka.wire.NimbleLimits.MAX_URL_LENGTH;
import static dev.nimblekafka.wire.NimbleLimits.SERP_ENGINES;
import static dev.nimblekafka.wire.NimbleLimits.STORAGE_TYPES;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * Checks request bodies against the limits Nimble documents and collects every problem as an
 * Ajv-style {@link SchemaError}. Only documented limits are checked; unknown fields pass, since
 * Nimble adds fields often. Each check takes the instance path of the value ({@code /inputs/3}) and
 * the schema path of its schema ({@code #/properties/inputs/items}).
 */
final class Validator {
  static final String STORAGE_URL_PATTERN = "^(s3|gs)://[^/\\s]+";
  private static final Pattern STORAGE_URL = Pattern.compile(STORAGE_URL_PATTERN + ".*");
  private static final Pattern URI = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*:[^\\s]+$");

  private final List<SchemaError> errors = new ArrayList<>();

  List<SchemaError> errors() {
    return errors;
  }

  boolean ok() {
    return errors.isEmpty();
  }

  /** The fields of an extract payload (not delivery options). */
  void extract(JsonNode node, String at, String schema, boolean urlRequired) {
    JsonNode url = node.get("url");
    if (url == null || url.isNull()) {
      if (urlRequired) {
        required(at, schema, "url");
      }
    } else if (string(url, at + "/url", schema + "/properties/url")) {
      if (url.textValue().length() > MAX_URL_LENGTH) {
        add(
            at + "/url",
            schema + "/properties/url/maxLength",
            "maxLength",
            Map.of("limit", MAX_URL_LENGTH),
            "must NOT have more than " + MAX_URL_LENGTH + " characters");
      } else {
        uri(url.textValue(), at + "/url", schema + "/properties/url");
      }
    }
    formats(node, at, schema, EXTRACT_FORMATS);
    JsonNode timeout = node.get("request_timeout");
    if (timeout != null && !timeout.isNull()) {
      timeout(timeout, at + "/request_timeout", schema + "/properties/request_timeout", false);
    }
    JsonNode render = node.get("render_options");
    if (render != null
        && !render.isNull()
        && object(render, at + "/render_options", schema + "/properties/render_options")) {
      JsonNode renderTimeout = render.get("timeout");
      if (renderTimeout != null && !renderTimeout.isNull()) {
        timeout(
            renderTimeout,
            at + "/render_options/timeout",
            schema + "/properties/render_options/properties/timeout",
            true);
      }
    }
    JsonNode cookies = node.get("cookies");
    if (cookies != null && !cookies.isNull() && !cookies.isTextual()) {
      if (!cookies.isArray()) {
        type(at + "/cookies", schema + "/properties/cookies", "array");
      } else if (cookies.size() > MAX_COOKIES) {
        maxItems(at + "/cookies", schema + "/properties/cookies", MAX_COOKIES);
      }
    }
    JsonNode headers = node.get("headers");
    if (headers != null && !headers.isNull()) {
      if (headers.isArray()) {
        if (headers.size() > MAX_HEADERS) {
          maxItems(at + "/headers", schema + "/properties/headers", MAX_HEADERS);
        }
      } else if (!headers.isObject()) {
        type(at + "/headers", schema + "/properties/headers", "object");
      } else if (headers.size() > MAX_HEADERS) {
        add(
            at + "/headers",
            schema + "/properties/headers/maxProperties",
            "maxProperties",
            Map.of("limit", MAX_HEADERS),
            "must NOT have more than " + MAX_HEADERS + " properties");
      }
    }
  }

  /**
   * The fields of an agent payload: {@code agent} (v2: {@code template}, named by {@code field}),
   * {@code params}, {@code formats}.
   */
  void agent(JsonNode node, String at, String schema, boolean required, String field) {
    JsonNode agent = node.get(field);
    if (agent == null || agent.isNull()) {
      if (required) {
        required(at, schema, field);
      }
    } else {
      string(agent, at + "/" + field, schema + "/properties/" + field);
    }
    JsonNode params = node.get("params");
    if (params == null || params.isNull()) {
      if (required) {
        required(at, schema, "params");
      }
    } else if (object(params, at + "/params", schema + "/properties/params")) {
      if (required && params.isEmpty()) {
        minProperties(at + "/params", schema + "/properties/params");
      }
      delivery(params, at + "/params", schema + "/properties/params");
    }
    formats(node, at, schema, AGENT_FORMATS);
    JsonNode localization = node.get("localization");
    if (localization != null && !localization.isNull() && !localization.isBoolean()) {
      type(at + "/localization", schema + "/properties/localization", "boolean");
    }
  }

  /**
   * The fields of a SERP payload the API reference constrains: {@code search_engine} (required when
   * {@code required}) from its list, {@code num_results} a whole number from 1 to 100.
   */
  void serp(JsonNode node, String at, String schema, boolean required) {
    JsonNode engine = node.get("search_engine");
    if (engine == null || engine.isNull()) {
      if (required) {
        required(at, schema, "search_engine");
      }
    } else if (string(engine, at + "/search_engine", schema + "/properties/search_engine")
        && !SERP_ENGINES.contains(engine.textValue())) {
      enumeration(at + "/search_engine", schema + "/properties/search_engine", SERP_ENGINES);
    }
    JsonNode results = node.get("num_results");
    if (results != null && !results.isNull()) {
      String path = schema + "/properties/num_results";
      if (!results.isNumber() || results.asDouble() != Math.rint(results.asDouble())) {
        type(at + "/num_results", path, "integer");
      } else if (results.asDouble() < 1) {
        minimum(at + "/num_results", path, 1);
      } else if (results.asDouble() > MAX_SERP_RESULTS) {
        add(
            at + "/num_results",
            path + "/maximum",
            "maximum",
            Map.of("comparison", "<=", "limit", MAX_SERP_RESULTS),
            "must be <= " + MAX_SERP_RESULTS);
      }
    }
  }

  /** {@code callback_url} and {@code storage_*}. */
  void delivery(JsonNode node, String at, String schema) {
    JsonNode callback = node.get("callback_url");
    if (callback != null
        && !callback.isNull()
        && string(callback, at + "/callback_url", schema + "/properties/callback_url")) {
      uri(callback.textValue(), at + "/callback_url", schema + "/properties/callback_url");
    }
    JsonNode type = node.get("storage_type");
    boolean hasType = type != null && !type.isNull();
    if (hasType
        && string(type, at + "/storage_type", schema + "/properties/storage_type")
        && !STORAGE_TYPES.contains(type.textValue())) {
      enumeration(
          at + "/storage_type", schema + "/properties/storage_type", new TreeSet<>(STORAGE_TYPES));
    }
    JsonNode url = node.get("storage_url");
    if (url == null || url.isNull()) {
      if (hasType) {
        Map<String, Object> params = new LinkedHashMap<>();
        params.put("property", "storage_type");
        params.put("missingProperty", "storage_url");
        params.put("depsCount", 1);
        params.put("deps", "storage_url");
        add(
            at,
            schema + "/dependentRequired",
            "dependentRequired",
            params,
            "must have property storage_url when property storage_type is present");
      }
    } else if (string(url, at + "/storage_url", schema + "/properties/storage_url")
        && (!STORAGE_URL.matcher(url.textValue()).matches() || url.textValue().contains(".."))) {
      add(
          at + "/storage_url",
          schema + "/properties/storage_url/pattern",
          "pattern",
          Map.of("pattern", STORAGE_URL_PATTERN),
          "must match pattern \"" + STORAGE_URL_PATTERN + "\"");
    }
    JsonNode compress = node.get("storage_compress");
    if (compress != null && !compress.isNull() && !compress.isBoolean()) {
      type(at + "/storage_compress", schema + "/properties/storage_compress", "boolean");
    }
    JsonNode name = node.get("storage_object_name");
    if (name != null && !name.isNull()) {
      string(name, at + "/storage_object_name", schema + "/properties/storage_object_name");
    }
  }

  /** True if {@code node} is an object, else records a type error. */
  boolean object(JsonNode node, String at, String schema) {
    if (node.isObject()) {
      return true;
    }
    type(at, schema, "object");
    return false;
  }

  /** True if {@code node} is an array, else records a type error. */
  boolean array(JsonNode node, String at, String schema) {
    if (node.isArray()) {
      return true;
    }
    type(at, schema, "array");
    return false;
  }

  void required(String at, String schema, String property) {
    add(
        at,
        schema + "/required",
        "required",
        Map.of("missingProperty", property),
        "must have required property '" + property + "'");
  }

  void minItems(String at, String schema, int limit) {
    add(
        at,
        schema + "/minItems",
        "minItems",
        Map.of("limit", limit),
        "must NOT have fewer than " + limit + " items");
  }

  void maxItems(String at, String schema, int limit) {
    add(
        at,
        schema + "/maxItems",
        "maxItems",
        Map.of("limit", limit),
        "must NOT have more than " + limit + " items");
  }

  void minimum(String at, String schema, long limit) {
    add(
        at,
        schema + "/minimum",
        "minimum",
        Map.of("comparison", ">=", "limit", limit),
        "must be >= " + limit);
  }

  void maximum(String at, String schema, long limit) {
    add(
        at,
        schema + "/maximum",
        "maximum",
        Map.of("comparison", "<=", "limit", limit),
        "must be <= " + limit);
  }

  void maxLength(String at, String schema, int limit) {
    add(
        at,
        schema + "/maxLength",
        "maxLength",
        Map.of("limit", limit),
        "must NOT have more than " + limit + " characters");
  }

  void minProperties(String at, String schema) {
    add(
        at,
        schema + "/minProperties",
        "minProperties",
        Map.of("limit", 1),
        "must NOT have fewer than 1 properties");
  }

  void type(String at, String schema, String type) {
    add(at, schema + "/type", "type", Map.of("type", type), "must be " + type);
  }

  void format(String at, String schema, String format) {
    add(
        at,
        schema + "/format",
        "format",
        Map.of("format", format),
        "must match format \"" + format + "\"");
  }

  private void formats(JsonNode node, String at, String schema, Set<String> allowed) {
    JsonNode formats = node.get("formats");
    if (formats == null
        || formats.isNull()
        || !array(formats, at + "/formats", schema + "/properties/formats")) {
      return;
    }
    for (int i = 0; i < formats.size(); i++) {
      JsonNode f = formats.get(i);
      if (!f.isTextual() || !allowed.contains(f.textValue())) {
        enumeration(
            at + "/formats/" + i, schema + "/properties/formats/items", new TreeSet<>(allowed));
      }
    }
  }

  private void timeout(JsonNode value, String at, String schema, boolean positive) {
    if (!value.isNumber()) {
      type(at, schema, "number");
    } else if (value.asDouble() > MAX_TIMEOUT_MS) {
      add(
          at,
          schema + "/maximum",
          "maximum",
          Map.of("comparison", "<=", "limit", MAX_TIMEOUT_MS),
          "must be <= " + MAX_TIMEOUT_MS);
    } else if (positive && value.asDouble() < 1) {
      minimum(at, schema, 1);
    }
  }

  boolean string(JsonNode value, String at, String schema) {
    if (value.isTextual()) {
      return true;
    }
    type(at, schema, "string");
    return false;
  }

  void uri(String value, String at, String schema) {
    if (!URI.matcher(value).matches()) {
      format(at, schema, "uri");
    }
  }

  void enumeration(String at, String schema, Set<String> allowed) {
    add(
        at,
        schema + "/enum",
        "enum",
        Map.of("allowedValues", List.copyOf(allowed)),
        "must be equal to one of the allowed values");
  }

  private void add(
      String at, String schema, String keyword, Map<String, Object> params, String message) {
    errors.add(new SchemaError(at, schema, keyword, params, message));
  }
}
