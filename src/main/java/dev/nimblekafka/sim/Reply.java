package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** An HTTP answer: status, body, content type and extra headers. */
record Reply(int status, byte[] body, String contentType, Map<String, String> headers) {

  static Reply json(int status, byte[] body) {
    return new Reply(status, body, "application/json", Map.of());
  }

  static Reply json(int status, JsonNode body) {
    return json(status, Json.bytes(body));
  }

  static Reply html(int status, String body) {
    return new Reply(
        status, body.getBytes(StandardCharsets.UTF_8), "text/html; charset=utf-8", Map.of());
  }

  Reply withHeader(String name, String value) {
    Map<String, String> all = new LinkedHashMap<>(headers);
    all.put(name, value);
    return new Reply(status, body, contentType, Map.copyOf(all));
  }
}
