package dev.nimblekafka.task;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.request.RequestHeaders;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * The JSON form of {@link StoredTask} in the state topic, versioned by {@code "v"}. The request
 * record's headers are kept in the optional {@code headers} (name and base64 value of each, in
 * order) and {@code headers_dropped}; a record without them reads as a request without headers.
 */
public final class StateCodec {
  /** The version this worker writes and reads. */
  public static final int VERSION = 1;

  /** {@link #version} of a value that is not a JSON object: not a state record at all. */
  public static final int UNREADABLE = -1;

  /** {@link #version} of a JSON object without a whole-number {@code "v"}. */
  public static final int NO_VERSION = 0;

  private final ObjectMapper json;

  public StateCodec(ObjectMapper json) {
    this.json = json;
  }

  public byte[] encode(StoredTask task) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + task.request().length);
    try (JsonGenerator g = json.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeNumberField("v", VERSION);
      g.writeStringField("request_id", task.requestId());
      if (task.taskId() == null) {
        g.writeNullField("task_id"); // recorded, not yet created at Nimble
      } else {
        g.writeStringField("task_id", task.taskId());
      }
      g.writeStringField("kind", task.kind().wire());
      g.writeNumberField("attempts", task.attempts());
      g.writeNumberField("submitted_at", task.submittedAt());
      g.writeNumberField("first_submitted_at", task.firstSubmittedAt());
      g.writeStringField("source_topic", task.sourceTopic());
      g.writeNumberField("source_offset", task.sourceOffset());
      g.writeBooleanField("callback", task.callback());
      if (task.batchId() != null) {
        g.writeStringField("batch_id", task.batchId());
      }
      if (task.requestKey() != null) {
        g.writeStringField(
            "request_key_base64", Base64.getEncoder().encodeToString(task.requestKey()));
      }
      writeHeaders(g, task.headers());
      if (task.crawl() != null) {
        CrawlProgress.Saved crawl = task.crawl();
        g.writeObjectFieldStart("crawl");
        g.writeStringField("published", Base64.getEncoder().encodeToString(crawl.published()));
        g.writeNumberField("listed", crawl.listed());
        g.writeStringField("fingerprint", Long.toHexString(crawl.fingerprint()));
        g.writeNumberField("succeeded", crawl.succeeded());
        g.writeNumberField("failed", crawl.failed());
        if (crawl.endedBy() != null) {
          g.writeStringField("ended_by", crawl.endedBy());
        }
        g.writeEndObject();
      }
      g.writeFieldName("request");
      g.writeRawValue(new String(task.request(), StandardCharsets.UTF_8));
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /**
   * The {@code "v"} of a state record, read without building the record ({@code "v"} comes first):
   * {@link #UNREADABLE} when the value is not a JSON object, {@link #NO_VERSION} when it has no
   * whole-number {@code "v"}.
   */
  public int version(byte[] value) {
    try (JsonParser parser = json.createParser(value)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return UNREADABLE;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String name = parser.currentName();
        JsonToken token = parser.nextToken();
        if (name.equals("v")) {
          return token == JsonToken.VALUE_NUMBER_INT
                  && parser.getNumberType() == JsonParser.NumberType.INT
              ? Math.max(NO_VERSION, parser.getIntValue())
              : NO_VERSION;
        }
        parser.skipChildren();
      }
      return NO_VERSION;
    } catch (IOException e) {
      return UNREADABLE;
    }
  }

  /** Reads a state record; throws {@link IllegalArgumentException} for one it cannot read. */
  public StoredTask decode(byte[] value) {
    try {
      JsonNode node = json.readTree(new String(value, StandardCharsets.UTF_8));
      if (node == null || node.path("v").asInt(-1) != VERSION) {
        throw new IllegalArgumentException("unknown state record version");
      }
      return new StoredTask(
          node.path("request_id").asText(),
          node.path("task_id").isTextual() ? node.path("task_id").asText() : null,
          Kind.fromWire(node.path("kind").asText()),
          node.path("attempts").asInt(),
          node.path("submitted_at").asLong(),
          node.path("first_submitted_at").asLong(),
          node.path("source_topic").asText(),
          node.path("source_offset").asLong(),
          json.writeValueAsBytes(node.path("request")),
          node.path("callback").asBoolean(false),
          node.path("request_key_base64").isTextual()
              ? Base64.getDecoder().decode(node.path("request_key_base64").asText())
              : null,
          readHeaders(node),
          node.path("batch_id").isTextual() ? node.path("batch_id").asText() : null,
          crawl(node.path("crawl")));
    } catch (IOException | IllegalArgumentException e) {
      throw new IllegalArgumentException("unreadable state record", e);
    }
  }

  private static CrawlProgress.Saved crawl(JsonNode crawl) {
    if (!crawl.isObject()) {
      return null;
    }
    return new CrawlProgress.Saved(
        Base64.getDecoder().decode(crawl.path("published").asText("")),
        crawl.path("listed").asInt(),
        Long.parseUnsignedLong(crawl.path("fingerprint").asText("0"), 16),
        crawl.path("succeeded").asInt(),
        crawl.path("failed").asInt(),
        crawl.path("ended_by").isTextual() ? crawl.path("ended_by").asText() : null);
  }

  /** The bytes the headers add to a state record, at most (for the size check on admission). */
  public static int headerBytes(RequestHeaders headers) {
    int total = headers.isEmpty() ? 0 : 48;
    for (RequestHeaders.Header header : headers.kept()) {
      int name = header.name().getBytes(StandardCharsets.UTF_8).length;
      int value = header.value() == null ? 4 : (header.value().length + 2) / 3 * 4;
      total += 6 * name + value + 40;
    }
    return total;
  }

  private static void writeHeaders(JsonGenerator g, RequestHeaders headers) throws IOException {
    if (headers.isEmpty()) {
      return;
    }
    g.writeArrayFieldStart("headers");
    for (RequestHeaders.Header header : headers.kept()) {
      g.writeStartObject();
      g.writeStringField("name", header.name());
      if (header.value() == null) {
        g.writeNullField("value_base64");
      } else {
        g.writeStringField("value_base64", Base64.getEncoder().encodeToString(header.value()));
      }
      g.writeEndObject();
    }
    g.writeEndArray();
    if (headers.dropped() > 0) {
      g.writeNumberField("headers_dropped", headers.dropped());
    }
  }

  private static RequestHeaders readHeaders(JsonNode node) {
    JsonNode list = node.path("headers");
    int dropped = node.path("headers_dropped").asInt(0);
    if (!list.isArray() && dropped == 0) {
      return RequestHeaders.NONE;
    }
    List<RequestHeaders.Header> headers = new ArrayList<>();
    for (JsonNode header : list) {
      if (!header.path("name").isTextual()) {
        throw new IllegalArgumentException("a header without a name");
      }
      JsonNode value = header.path("value_base64");
      headers.add(
          new RequestHeaders.Header(
              header.path("name").asText(),
              value.isTextual() ? Base64.getDecoder().decode(value.asText()) : null));
    }
    return RequestHeaders.restored(headers, dropped);
  }
}
