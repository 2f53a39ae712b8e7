package dev.nimblekafka.publish;

import dev.nimblekafka.request.RequestHeaders;

/**
 * Where a request came from, as a dead-letter record names it.
 *
 * @param topic the requests topic
 * @param partition its partition
 * @param offset its offset
 * @param key the record's key as produced, or null when it had none
 * @param value the record's value as produced (JSON, or any bytes for an unreadable record)
 * @param headers the record's headers the failure carries back (never null)
 */
public record RequestRecord(
    String topic, int partition, long offset, byte[] key, byte[] value, RequestHeaders headers) {

  public RequestRecord {
    headers = headers == null ? RequestHeaders.NONE : headers;
  }

  /** A request record without headers. */
  public RequestRecord(String topic, int partition, long offset, byte[] key, byte[] value) {
    this(topic, partition, offset, key, value, RequestHeaders.NONE);
  }
}
