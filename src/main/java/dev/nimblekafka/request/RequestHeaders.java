package dev.nimblekafka.request;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;

/**
 * The Kafka headers of a request record that its outcome carries back: W3C {@code traceparent} and
 * {@code tracestate}, a tenant or correlation header, anything the producer set. Kept in the order
 * the record has them, byte for byte, within a bound of {@value #MAX_BYTES} bytes in all (UTF-8
 * name plus value of each): each header, in order, is kept if it fits in what the bound has left,
 * so a large header does not push out the small ones after it. Every header left out for the bound
 * is counted, and the outcome then says how many in the header {@value #DROPPED}.
 *
 * <p>Headers under a name the worker writes itself ({@value #DROPPED} and the dead-letter headers
 * {@code __connect.errors.*}) are never copied: the worker's own values stand. Nothing but the
 * request record's own headers is ever copied; the worker adds none of its configuration.
 */
public final class RequestHeaders {
  /** The most header bytes (names and values) kept for one request. */
  public static final int MAX_BYTES = 8 * 1024;

  /** The header an outcome carries when some of the request's headers were left out. */
  public static final String DROPPED = "nimble.headers.dropped";

  /** The prefix of the dead-letter headers the worker writes on failures. */
  public static final String DEAD_LETTER_PREFIX = "__connect.errors.";

  public static final RequestHeaders NONE = new RequestHeaders(List.of(), 0);

  /**
   * One header as the request had it.
   *
   * @param value the value, or null (Kafka allows a header without a value)
   */
  public record Header(String name, byte[] value) {
    int bytes() {
      return name.getBytes(StandardCharsets.UTF_8).length + (value == null ? 0 : value.length);
    }
  }

  private final List<Header> kept;
  private final int dropped;

  private RequestHeaders(List<Header> kept, int dropped) {
    this.kept = List.copyOf(kept);
    this.dropped = dropped;
  }

  /** The headers of a consumed record that are kept, and how many were left out for the bound. */
  public static RequestHeaders of(Headers headers) {
    if (headers == null) {
      return NONE;
    }
    List<Header> kept = new ArrayList<>();
    int left = MAX_BYTES;
    int dropped = 0;
    for (org.apache.kafka.common.header.Header header : headers) {
      if (reserved(header.key())) {
        continue;
      }
      Header copy = new Header(header.key(), header.value());
      int size = copy.bytes();
      if (size <= left) {
        kept.add(copy);
        left -= size;
      } else {
        dropped++;
      }
    }
    return kept.isEmpty() && dropped == 0 ? NONE : new RequestHeaders(kept, dropped);
  }

  /**
   * Headers read back from a state record, held to the same rules: a reserved name is skipped and
   * what goes over the bound is counted as dropped.
   */
  public static RequestHeaders restored(List<Header> headers, int dropped) {
    List<Header> kept = new ArrayList<>();
    int left = MAX_BYTES;
    int more = Math.max(0, dropped);
    for (Header header : headers) {
      if (header.name() == null || reserved(header.name())) {
        continue;
      }
      if (header.bytes() <= left) {
        kept.add(header);
        left -= header.bytes();
      } else {
        more++;
      }
    }
    return kept.isEmpty() && more == 0 ? NONE : new RequestHeaders(kept, more);
  }

  /** Whether the worker writes a header of this name itself (then a request's is not copied). */
  public static boolean reserved(String name) {
    return name.equals(DROPPED) || name.startsWith(DEAD_LETTER_PREFIX);
  }

  /** The headers kept, in the request's order. */
  public List<Header> kept() {
    return kept;
  }

  /** How many of the request's headers were left out because of the bound. */
  public int dropped() {
    return dropped;
  }

  public boolean isEmpty() {
    return kept.isEmpty() && dropped == 0;
  }

  /** The bytes these headers add to a record: names, values and Kafka's per-header framing. */
  public int recordBytes() {
    int total = dropped > 0 ? DROPPED.length() + 16 : 0;
    for (Header header : kept) {
      total += header.bytes() + 8;
    }
    return total;
  }

  /** The first kept header of this name as UTF-8 text, or null when there is none. */
  public String text(String name) {
    for (Header header : kept) {
      if (header.name().equals(name) && header.value() != null) {
        return new String(header.value(), StandardCharsets.UTF_8);
      }
    }
    return null;
  }

  /**
   * These headers with each of {@code names} taken out and {@code values}' put in their place (or
   * at the end, for one the headers did not have); the count of dropped headers is kept.
   */
  public RequestHeaders withReplaced(Map<String, String> values, List<String> names) {
    List<Header> result = new ArrayList<>(kept.size() + values.size());
    java.util.Set<String> placed = new java.util.HashSet<>();
    for (Header header : kept) {
      if (!names.contains(header.name())) {
        result.add(header);
      } else if (values.containsKey(header.name()) && placed.add(header.name())) {
        result.add(
            new Header(header.name(), values.get(header.name()).getBytes(StandardCharsets.UTF_8)));
      }
    }
    for (String name : names) {
      if (values.containsKey(name) && placed.add(name)) {
        result.add(new Header(name, values.get(name).getBytes(StandardCharsets.UTF_8)));
      }
    }
    return new RequestHeaders(List.copyOf(result), dropped);
  }

  /** Adds the kept headers, then {@value #DROPPED} if any were left out, to a record's headers. */
  public void addTo(Headers target) {
    for (Header header : kept) {
      target.add(header.name(), header.value());
    }
    if (dropped > 0) {
      target.add(DROPPED, Integer.toString(dropped).getBytes(StandardCharsets.UTF_8));
    }
  }

  @Override
  public String toString() {
    return "RequestHeaders[" + kept.size() + " kept, " + dropped + " dropped]";
  }
}
