package dev.nimblekafka.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.wire.NimbleLimits;

/**
 * Checks a body's delivery options: {@code storage_type} and {@code storage_url} go together and
 * agree, {@code storage_object_name} stays below the storage URL, {@code callback_url} is an
 * http(s) URL, and both destinations are ones the worker's {@link AllowedDestinations} allow.
 */
final class DeliveryRules {
  private DeliveryRules() {}

  static void check(ObjectNode body, String prefix, AllowedDestinations allowed) {
    storage(body, prefix, allowed);
    objectName(body.get("storage_object_name"), prefix + ".storage_object_name");
    callback(body.get("callback_url"), prefix + ".callback_url", allowed);
  }

  private static void storage(ObjectNode body, String prefix, AllowedDestinations allowed) {
    JsonNode type = body.get("storage_type");
    JsonNode url = body.get("storage_url");
    boolean hasType = type != null && !type.isNull();
    boolean hasUrl = url != null && !url.isNull();
    if (hasType && !(type.isTextual() && NimbleLimits.STORAGE_TYPES.contains(type.asText()))) {
      throw new Violation(
          "INVALID_FIELD",
          prefix + ".storage_type",
          RequestValidator.stable(NimbleLimits.STORAGE_TYPES),
          prefix
              + ".storage_type must be one of "
              + RequestValidator.sorted(NimbleLimits.STORAGE_TYPES));
    }
    if (hasType != hasUrl) {
      String missing = hasType ? "storage_url" : "storage_type";
      throw new Violation(
          "MISSING_FIELD",
          prefix + "." + missing,
          null,
          prefix + ".storage_type and " + prefix + ".storage_url must be given together");
    }
    if (!hasUrl) {
      return;
    }
    String expected = type.asText() + "://";
    if (!url.isTextual()
        || !url.asText().startsWith(expected)
        || url.asText().length() <= expected.length()) {
      throw new Violation(
          "INVALID_FIELD",
          prefix + ".storage_url",
          null,
          prefix + ".storage_url must start with " + expected + " to match storage_type");
    }
    if (!allowed.allowsStorage(url.asText())) {
      throw new Violation(
          "INVALID_FIELD",
          prefix + ".storage_url",
          allowed.storagePrefixes(),
          prefix
              + ".storage_url must start with one of the prefixes ALLOWED_STORAGE_PREFIXES"
              + " allows, "
              + allowed.storagePrefixes()
              + ", with no .. segment");
    }
  }

  /** Where Nimble writes the object below the storage URL: never above it, nor from the root. */
  private static void objectName(JsonNode name, String field) {
    if (name == null || name.isNull()) {
      return;
    }
    if (!name.isTextual()) {
      throw new Violation("INVALID_FIELD", field, null, field + " must be a string");
    }
    String text = name.asText();
    if (text.startsWith("/")
        || text.startsWith("\\")
        || AllowedDestinations.hasParentSegment(text)) {
      throw new Violation(
          "INVALID_FIELD",
          field,
          null,
          field + " must be a name below storage_url: no leading / and no .. segment");
    }
  }

  static void callback(JsonNode callback, String field, AllowedDestinations allowed) {
    if (callback == null || callback.isNull()) {
      return;
    }
    if (!callback.isTextual()) {
      throw new Violation("INVALID_FIELD", field, null, field + " must be a string");
    }
    RequestValidator.httpUrl(callback.asText(), field, NimbleLimits.MAX_URL_LENGTH);
    if (!allowed.allowsCallback(callback.asText())) {
      String host = AllowedDestinations.hostOf(callback.asText());
      throw new Violation(
          "INVALID_FIELD",
          field,
          allowed.callbackHosts(),
          field
              + " must name a host ALLOWED_CALLBACK_HOSTS allows, "
              + allowed.callbackHosts()
              + ", but "
              + (host == null ? "its host cannot be read plainly" : "names " + host));
    }
  }
}
