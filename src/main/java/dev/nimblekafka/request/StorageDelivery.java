package dev.nimblekafka.request;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Cloud-storage delivery asked for by a request ({@code storage_type}, {@code storage_url}, {@code
 * storage_compress}, {@code storage_object_name}); Nimble writes the result there.
 */
public record StorageDelivery(String type, String url, boolean compress, String objectName) {

  /** Reads the options from an extract body, or from an agent's body or its {@code params}. */
  static StorageDelivery from(ObjectNode body) {
    JsonNode source = body;
    if (!body.hasNonNull("storage_url") && body.path("params").hasNonNull("storage_url")) {
      source = body.path("params");
    }
    if (!source.hasNonNull("storage_url")) {
      return null;
    }
    return new StorageDelivery(
        source.path("storage_type").asText(null),
        source.path("storage_url").asText(),
        source.path("storage_compress").asBoolean(false),
        source.path("storage_object_name").asText(null));
  }

  /** Where the object lands, as Nimble documents it: {@code <url><task id or name>.json[.gz]}. */
  public String objectUrl(String taskId) {
    String base = url.endsWith("/") ? url : url + "/";
    String name = objectName == null || objectName.isBlank() ? taskId : objectName;
    return base + name + ".json" + (compress ? ".gz" : "");
  }
}
