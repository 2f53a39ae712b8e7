package dev.nimblekafka.publish;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.request.Placement;
import dev.nimblekafka.request.RequestHeaders;
import dev.nimblekafka.request.RequestParser;
import dev.nimblekafka.request.WireFrame;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * Builds the records the worker publishes: results, failures (with Kafka Connect's dead-letter
 * headers) and state tombstones. Results and failures carry the request record's headers as kept
 * ({@link RequestHeaders}), before the worker's own headers; their bytes count against the record
 * size. A record that would not fit the topic is never produced: a result too large becomes {@code
 * Optional.empty()} (the caller publishes RESULT_TOO_LARGE instead), and a failure too large loses
 * its copy of the request. With an {@link OutcomeFormat} other than plain, results and failures are
 * framed with their registered schema ids and carry CloudEvents headers.
 */
public final class OutcomeRecords {
  public static final String HEADER_PREFIX = RequestHeaders.DEAD_LETTER_PREFIX;
  private static final int ENVELOPE_ALLOWANCE = 1024;
  private static final int MAX_HEADER = 1_000;
  private static final int MAX_BARE_DETAILS = 4_096;
  private static final String RESULT_SCHEMA = "https://nimblekafka.dev/schemas/result.schema.json";
  private static final String FAILURE_SCHEMA =
      "https://nimblekafka.dev/schemas/failure.schema.json";

  private final ObjectMapper json;
  private final String resultsTopic;
  private final String failuresTopic;
  private final int maxRecordBytes;
  private final OutcomeFormat format;

  /** Plain JSON outcomes. */
  public OutcomeRecords(
      ObjectMapper json, String resultsTopic, String failuresTopic, int maxRecordBytes) {
    this(json, resultsTopic, failuresTopic, maxRecordBytes, OutcomeFormat.PLAIN);
  }

  /** Outcomes framed and dressed as {@code format} says. */
  public OutcomeRecords(
      ObjectMapper json,
      String resultsTopic,
      String failuresTopic,
      int maxRecordBytes,
      OutcomeFormat format) {
    this.json = json.copy().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);
    this.resultsTopic = resultsTopic;
    this.failuresTopic = failuresTopic;
    this.maxRecordBytes = maxRecordBytes - ENVELOPE_ALLOWANCE - format.extraBytes();
    this.format = format;
  }

  /** The largest result body that can be published inline. */
  public long maxResultBytes() {
    return maxRecordBytes - 512L;
  }

  /**
   * The result record, or empty when it would not fit the topic. A result body that is not JSON is
   * never embedded: it throws {@link IllegalArgumentException}.
   */
  public Optional<ProducerRecord<byte[], byte[]>> result(Completion c) {
    if (c.result() != null && !isJson(c.result())) {
      throw new IllegalArgumentException("the result body is not valid JSON");
    }
    byte[] value =
        write(
            g -> {
              g.writeStringField("request_id", c.requestId());
              g.writeStringField("task_id", c.taskId());
              g.writeStringField("kind", c.kind());
              g.writeStringField("state", "succeeded");
              g.writeNumberField("attempts", c.attempts());
              g.writeStringField("submitted_at", Instant.ofEpochMilli(c.submittedAt()).toString());
              g.writeStringField("completed_at", Instant.ofEpochMilli(c.completedAt()).toString());
              writePlacement(g, c.placement());
              writeMetadata(g, c.metadata());
              if (c.resultLocation() != null) {
                g.writeObjectFieldStart("result_location");
                g.writeStringField("storage_type", c.storageType());
                g.writeStringField("url", c.resultLocation());
                g.writeEndObject();
              } else {
                g.writeFieldName("result");
                g.writeRawValue(new String(c.result(), StandardCharsets.UTF_8));
              }
            });
    return onResultsTopic(
        value, c.requestId(), c.headers(), CloudEvents.RESULT_TYPE, "result", c.completedAt());
  }

  public ProducerRecord<byte[], byte[]> failure(Failure f, Instant now) {
    RequestHeaders carried = f.source().headers();
    int limit = maxRecordBytes - carried.recordBytes();
    byte[] value = failureValue(f, now, true, true);
    if (value.length > limit) {
      value = failureValue(f, now, false, true);
    }
    if (value.length > limit) {
      // still too large (huge metadata or details): keep what identifies the request
      Failure bare = f.shrunk(truncate(f.message(), 1_000), small(f.details()));
      value = failureValue(bare, now, false, false);
    }
    RecordHeaders headers = new RecordHeaders();
    carried.addTo(headers);
    RequestRecord source = f.source();
    header(headers, "topic", source.topic());
    header(headers, "partition", Integer.toString(source.partition()));
    header(headers, "offset", Long.toString(source.offset()));
    header(headers, "stage", f.stage());
    header(headers, "exception.class.name", f.exceptionClass());
    header(headers, "exception.message", truncate(f.code() + ": " + f.message(), MAX_HEADER));
    if (format.cloudEvents() != null) {
      format
          .cloudEvents()
          .dress(headers, CloudEvents.FAILURE_TYPE, f.requestId(), "failure", now, FAILURE_SCHEMA);
    }
    if (format.schemaIds() != null) {
      value = WireFrame.frame(format.schemaIds().failure(), value);
    }
    return new ProducerRecord<>(failuresTopic, null, failureKey(f), value, headers);
  }

  /**
   * The request id, unless the record gave none that could be read: then the record's own key, as a
   * dead-letter record keeps it, so the producer finds its failure under the key it used.
   */
  private static byte[] failureKey(Failure f) {
    if (f.idDerived() && f.source().key() != null) {
      return f.source().key();
    }
    return f.requestId() == null ? null : key(f.requestId());
  }

  /**
   * A crawl's page record, or empty when its result would not fit the topic (the caller then
   * publishes the page as failed, RESULT_TOO_LARGE). A result body that is not JSON throws {@link
   * IllegalArgumentException}.
   */
  public Optional<ProducerRecord<byte[], byte[]>> page(CrawlPage p) {
    if (p.result() != null && !isJson(p.result())) {
      throw new IllegalArgumentException("the page's result body is not valid JSON");
    }
    byte[] value =
        write(
            g -> {
              g.writeStringField("request_id", p.requestId());
              g.writeStringField("kind", "crawl");
              g.writeStringField("record", "page");
              g.writeStringField("crawl_id", p.crawlId());
              g.writeNumberField("page_index", p.index());
              g.writeStringField("task_id", p.taskId());
              if (p.url() != null) {
                g.writeStringField("url", p.url());
              }
              g.writeStringField("state", p.succeeded() ? "succeeded" : "failed");
              g.writeStringField("completed_at", Instant.ofEpochMilli(p.publishedAt()).toString());
              writePlacement(g, p.placement());
              writeMetadata(g, p.metadata());
              if (p.succeeded()) {
                g.writeFieldName("result");
                g.writeRawValue(new String(p.result(), StandardCharsets.UTF_8));
              } else {
                g.writeObjectFieldStart("error");
                g.writeStringField("code", p.errorCode());
                g.writeStringField("message", p.errorMessage());
                if (p.errorDetails() != null) {
                  g.writeFieldName("details");
                  json.writeTree(g, small(p.errorDetails()));
                }
                g.writeEndObject();
              }
            });
    return onResultsTopic(
        value,
        p.requestId(),
        p.headers(),
        CloudEvents.PAGE_TYPE,
        "page/" + p.index(),
        p.publishedAt());
  }

  /**
   * A record of the results topic keyed by the request id, or empty when it would not fit: the
   * request's headers first, then CloudEvents' ({@code type}, the event {@code outcome} at {@code
   * at}) and the schema frame when the format asks for them.
   */
  private Optional<ProducerRecord<byte[], byte[]>> onResultsTopic(
      byte[] value,
      String requestId,
      RequestHeaders requestHeaders,
      String type,
      String outcome,
      long at) {
    if (value.length > maxRecordBytes - requestHeaders.recordBytes()) {
      return Optional.empty();
    }
    RecordHeaders headers = new RecordHeaders();
    requestHeaders.addTo(headers);
    if (format.cloudEvents() != null) {
      format
          .cloudEvents()
          .dress(headers, type, requestId, outcome, Instant.ofEpochMilli(at), RESULT_SCHEMA);
    }
    if (format.schemaIds() != null) {
      value = WireFrame.frame(format.schemaIds().result(), value);
    }
    return Optional.of(new ProducerRecord<>(resultsTopic, null, key(requestId), value, headers));
  }

  public static ProducerRecord<byte[], byte[]> tombstone(String topic, int partition, String id) {
    return new ProducerRecord<>(topic, partition, key(id), null);
  }

  public static ProducerRecord<byte[], byte[]> state(
      String topic, int partition, String id, byte[] value) {
    return new ProducerRecord<>(topic, partition, key(id), value);
  }

  private byte[] failureValue(Failure f, Instant now, boolean withRequest, boolean withMetadata) {
    return write(
        g -> {
          g.writeStringField("request_id", f.requestId());
          if (f.taskId() != null) {
            g.writeStringField("task_id", f.taskId());
          }
          g.writeStringField("stage", f.stage());
          g.writeObjectFieldStart("error");
          g.writeStringField("code", f.code());
          g.writeStringField("message", f.message());
          if (f.httpStatus() != null) {
            g.writeNumberField("http_status", f.httpStatus());
          } else {
            g.writeNullField("http_status");
          }
          if (f.details() != null) {
            g.writeFieldName("details");
            json.writeTree(g, f.details());
          } else {
            g.writeNullField("details");
          }
          g.writeEndObject();
          g.writeNumberField("attempts", f.attempts());
          writePlacement(g, f.placement());
          if (withMetadata) {
            writeMetadata(g, f.metadata());
          } else {
            g.writeNullField("metadata");
          }
          g.writeStringField("failed_at", now.toString());
          writeKey(g, f.source().key());
          byte[] request = f.source().value();
          if (request == null) {
            g.writeNullField("request");
          } else if (!withRequest) {
            g.writeStringField(
                "request_omitted", "the request (" + request.length + " bytes) does not fit");
          } else if (isJson(request)) {
            g.writeFieldName("request");
            g.writeRawValue(new String(request, StandardCharsets.UTF_8));
          } else {
            g.writeStringField("request_base64", Base64.getEncoder().encodeToString(request));
          }
        });
  }

  /**
   * Details kept in a failure that must shrink: small ones as they are; of large ones every field,
   * with long text cut and large structures dropped, so what names the field and the limit stays.
   */
  private JsonNode small(JsonNode details) {
    if (details == null || details.toString().length() <= MAX_BARE_DETAILS) {
      return details;
    }
    if (!details.isObject()) {
      return null;
    }
    var kept = json.createObjectNode();
    details
        .fields()
        .forEachRemaining(
            field -> {
              JsonNode value = field.getValue();
              if (value.isTextual()) {
                kept.put(field.getKey(), truncate(value.asText(), MAX_BARE_DETAILS / 8));
              } else if (value.toString().length() <= MAX_BARE_DETAILS / 8) {
                kept.set(field.getKey(), value);
              }
            });
    return kept;
  }

  private static String truncate(String text, int max) {
    return text == null || text.length() <= max ? text : text.substring(0, max) + "…";
  }

  /** The request record's key: as text when it is UTF-8, else in base64; null when none. */
  private static void writeKey(JsonGenerator g, byte[] key) throws IOException {
    String text = key == null ? null : RequestParser.utf8(key);
    if (key == null) {
      g.writeNullField("request_key");
    } else if (text != null) {
      g.writeStringField("request_key", text);
    } else {
      g.writeNullField("request_key");
      g.writeStringField("request_key_base64", Base64.getEncoder().encodeToString(key));
    }
  }

  /** The request's tenant and priority, when known. */
  private static void writePlacement(JsonGenerator g, Placement placement) throws IOException {
    if (placement != null) {
      g.writeStringField("tenant", placement.tenant());
      g.writeStringField("priority", placement.priority().wire());
    }
  }

  private void writeMetadata(JsonGenerator g, JsonNode metadata) throws IOException {
    if (metadata == null) {
      g.writeNullField("metadata");
    } else {
      g.writeFieldName("metadata");
      json.writeTree(g, metadata);
    }
  }

  /** Streams through the bytes: true when they are exactly one JSON value. */
  boolean isJson(byte[] bytes) {
    // strict UTF-8 text only: other encodings, or bytes a lenient decoding would alter, go as
    // base64
    String text = RequestParser.utf8(bytes);
    if (text == null) {
      return false;
    }
    try (JsonParser parser = json.getFactory().createParser(text)) {
      if (parser.nextToken() == null) {
        return false;
      }
      parser.skipChildren();
      return parser.nextToken() == null;
    } catch (IOException | RuntimeException notJson) {
      return false;
    }
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private byte[] write(Body body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512);
    try (JsonGenerator g = json.getFactory().createGenerator(out)) {
      g.writeStartObject();
      body.write(g);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  private static void header(RecordHeaders headers, String name, String value) {
    if (value != null) {
      headers.add(RequestHeaders.DEAD_LETTER_PREFIX + name, value.getBytes(StandardCharsets.UTF_8));
    }
  }

  static byte[] key(String id) {
    return id.getBytes(StandardCharsets.UTF_8);
  }
}
