package dev.nimblekafka.publish;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * CloudEvents 1.0 in the Kafka binding's binary content mode: the outcome's JSON stays the record
 * value as it is (the event's data), and the event's attributes go into {@code ce_*} headers, with
 * {@code content-type} as its data content type. An outcome's id is its request id and its kind, so
 * an outcome written again (a replay after a crash) is the same event.
 */
public final class CloudEvents {
  static final String SPEC_VERSION = "1.0";
  public static final String RESULT_TYPE = "dev.nimblekafka.result";
  public static final String FAILURE_TYPE = "dev.nimblekafka.failure";
  public static final String PAGE_TYPE = "dev.nimblekafka.crawl.page";
  static final String CONTENT_TYPE = "content-type";
  static final String PREFIX = "ce_";

  /**
   * The most the headers add to a record: names and fixed values, the request id twice (256
   * characters, 4 bytes each at most) and a source of at most {@link #MAX_SOURCE_LENGTH}.
   */
  static final int MAX_BYTES = 4_096;

  /** The longest {@code source}, in characters. */
  public static final int MAX_SOURCE_LENGTH = 256;

  private final String source;

  /**
   * @param source the events' {@code source}: a URI reference naming this worker fleet
   */
  public CloudEvents(String source) {
    this.source = source;
  }

  /**
   * Replaces the event headers a request carried ({@code ce_*}, {@code content-type}: they
   * described the request, not its outcome) with the outcome's own.
   *
   * @param type {@link #RESULT_TYPE}, {@link #FAILURE_TYPE} or {@link #PAGE_TYPE}
   * @param outcome {@code result}, {@code failure} or {@code page/<n>}: with the request id, the
   *     event's id
   * @param time when the outcome happened
   * @param dataSchema the URI of the JSON Schema the value follows
   */
  void dress(
      Headers headers,
      String type,
      String requestId,
      String outcome,
      Instant time,
      String dataSchema) {
    List<String> carried = new ArrayList<>();
    for (Header header : headers) {
      if (header.key().startsWith(PREFIX) || header.key().equals(CONTENT_TYPE)) {
        carried.add(header.key());
      }
    }
    carried.forEach(headers::remove);
    add(headers, "ce_specversion", SPEC_VERSION);
    add(headers, "ce_id", requestId + "/" + outcome);
    add(headers, "ce_source", source);
    add(headers, "ce_type", type);
    add(headers, "ce_time", time.toString());
    add(headers, "ce_subject", requestId);
    add(headers, "ce_dataschema", dataSchema);
    add(headers, CONTENT_TYPE, "application/json");
  }

  private static void add(Headers headers, String name, String value) {
    headers.add(name, value.getBytes(StandardCharsets.UTF_8));
  }

  @Override
  public String toString() {
    return "CloudEvents[binary, source=" + source + "]";
  }
}
