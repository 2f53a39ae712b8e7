package dev.nimblekafka.usage;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.format.DateTimeParseException;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The usage topic's records: key {@code <tenant>|<day>}, value a JSON object of version {@value
 * #VERSION} (see {@code schemas/usage.schema.json}), each the running totals of one requests
 * partition for that tenant and day.
 */
public final class UsageCodec {
  public static final int VERSION = 1;

  private final ObjectMapper json;
  private final ObjectWriter writer;
  private final ObjectReader reader;

  public UsageCodec(ObjectMapper json) {
    this.json = json;
    this.writer = json.writer().with(JsonGenerator.Feature.WRITE_BIGDECIMAL_AS_PLAIN);
    this.reader = json.reader().with(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
  }

  /** JSON text of a node, decimals written out in full (never as 9E-7). */
  public String write(JsonNode node) {
    try {
      return writer.writeValueAsString(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write usage as JSON", e);
    }
  }

  public byte[] key(Usage usage) {
    return usage.key().getBytes(StandardCharsets.UTF_8);
  }

  /** The record's value; {@code updatedAt} is when it was written (epoch millis). */
  public byte[] encode(Usage usage, long updatedAt) {
    ObjectNode node = json.createObjectNode();
    node.put("version", VERSION);
    fields(node, usage);
    node.put("updated_at", java.time.Instant.ofEpochMilli(updatedAt).toString());
    try {
      return writer.writeValueAsBytes(node);
    } catch (IOException e) {
      throw new IllegalStateException("cannot write a usage record", e);
    }
  }

  /** The fields of a usage count, as records and the {@code usage} command's JSON show them. */
  public ObjectNode fields(ObjectNode node, Usage usage) {
    node.put("tenant", usage.tenant());
    node.put("day", usage.day().toString());
    if (usage.partition() >= 0) {
      node.put("partition", usage.partition());
    }
    node.put("created", usage.created());
    node.put("succeeded", usage.succeeded());
    node.put("failed", usage.failed());
    node.put("expired", usage.expired());
    node.put("calls", usage.calls());
    ObjectNode drivers = node.putObject("succeeded_by_driver");
    new TreeMap<>(usage.succeededByDriver()).forEach(drivers::put);
    node.put("cost_usd", usage.costUsd());
    return node;
  }

  /**
   * Reads a record's value.
   *
   * @throws IllegalArgumentException when it is not a usage record of this version
   */
  public Usage decode(byte[] value) {
    JsonNode node;
    try {
      node = reader.readTree(value);
    } catch (IOException e) {
      throw new IllegalArgumentException("a usage record is not JSON");
    }
    if (node == null || node.path("version").asInt(-1) != VERSION) {
      throw new IllegalArgumentException(
          "a usage record of version "
              + (node == null ? "(none)" : node.path("version").asText("(none)"))
              + "; this reads version "
              + VERSION);
    }
    try {
      Map<String, Long> drivers = new TreeMap<>();
      for (Iterator<Map.Entry<String, JsonNode>> it = node.path("succeeded_by_driver").fields();
          it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        drivers.put(e.getKey(), e.getValue().asLong());
      }
      return new Usage(
          text(node, "tenant"),
          LocalDate.parse(text(node, "day")),
          node.path("partition").asInt(-1),
          node.path("created").asLong(),
          node.path("succeeded").asLong(),
          node.path("failed").asLong(),
          node.path("expired").asLong(),
          node.path("calls").asLong(),
          drivers,
          node.path("cost_usd").isNumber() ? node.get("cost_usd").decimalValue() : BigDecimal.ZERO);
    } catch (DateTimeParseException | NumberFormatException e) {
      throw new IllegalArgumentException("a usage record with a field out of shape: " + e);
    }
  }

  private static String text(JsonNode node, String field) {
    if (!node.path(field).isTextual()) {
      throw new IllegalArgumentException("a usage record without " + field);
    }
    return node.get(field).asText();
  }
}
