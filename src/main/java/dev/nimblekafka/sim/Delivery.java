package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

/**
 * Where a task's outcome goes besides the task API: a {@code callback_url} to notify and/or a
 * storage bucket to write the result to. Null fields are absent options.
 */
record Delivery(
    String callbackUrl,
    String storageType,
    String storageUrl,
    boolean storageCompress,
    String storageObjectName) {

  /** The request fields that choose delivery rather than the work to do. */
  static final Set<String> FIELDS =
      Set.of(
          "callback_url", "storage_type", "storage_url", "storage_compress", "storage_object_name");

  boolean stores() {
    return storageUrl != null;
  }

  /**
   * Reads the options of {@code primary}, falling back to {@code secondary} field by field; null
   * when neither sets any. Either node may be null.
   */
  static Delivery read(JsonNode primary, JsonNode secondary) {
    String callback = text(primary, secondary, "callback_url");
    String type = text(primary, secondary, "storage_type");
    String url = text(primary, secondary, "storage_url");
    String name = text(primary, secondary, "storage_object_name");
    JsonNode compress = field(primary, secondary, "storage_compress");
    if (callback == null && url == null) {
      return null;
    }
    if (url != null && type == null) {
      type = url.startsWith("gs://") ? "gs" : "s3";
    }
    return new Delivery(callback, type, url, compress != null && compress.asBoolean(), name);
  }

  private static String text(JsonNode primary, JsonNode secondary, String name) {
    JsonNode value = field(primary, secondary, name);
    return value == null || !value.isTextual() ? null : value.textValue();
  }

  private static JsonNode field(JsonNode primary, JsonNode secondary, String name) {
    JsonNode value = primary == null ? null : primary.get(name);
    if ((value == null || value.isNull()) && secondary != null) {
      value = secondary.get(name);
    }
    return value == null || value.isNull() ? null : value;
  }
}
