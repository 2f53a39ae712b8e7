package dev.nimblekafka.fleet;

import org.apache.kafka.clients.consumer.OffsetAndMetadata;

/**
 * The requests a partition's owner held when it last committed, as written into the committed
 * offset's metadata ({@code ...;held=<n>;...}): what the partition asks of the key.
 */
public final class HeldCount {
  static final String FIELD = ";held=";

  private HeldCount() {}

  /** The field to put into a commit's metadata for {@code held} requests. */
  public static String field(int held) {
    return FIELD + held;
  }

  /** The held count a committed offset carries; 0 when it carries none. */
  static long read(OffsetAndMetadata committed) {
    String meta = committed == null ? null : committed.metadata();
    if (meta == null) {
      return 0;
    }
    int at = meta.indexOf(FIELD);
    if (at < 0) {
      return 0;
    }
    int from = at + FIELD.length();
    int end = meta.indexOf(';', from);
    try {
      return Math.max(0, Long.parseLong(meta.substring(from, end < 0 ? meta.length() : end)));
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
