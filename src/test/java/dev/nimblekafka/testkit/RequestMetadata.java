package dev.nimblekafka.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;

/** The {@code metadata} a request's bytes carry, as the worker keeps it when it parses them. */
public final class RequestMetadata {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RequestMetadata() {}

  /** The metadata of a JSON request, or null (not JSON, not an object, or none). */
  public static JsonNode of(byte[] request) {
    if (request == null) {
      return null;
    }
    try {
      JsonNode root = JSON.readTree(request);
      return root != null && root.isObject() ? root.get("metadata") : null;
    } catch (IOException | RuntimeException e) {
      return null;
    }
  }
}
