package dev.nimblekafka.publish;

/**
 * Where a request came from, as a dead-letter record names it.
 *
 * @param topic the requests topic
 * @param partition its partition
 * @param offset its offset
 * @param key the record's key as produced, or null when it had none
 * @param value the record's value as produced (JSON, or any bytes for an unreadable record)
 */
public record RequestRecord(String topic, int partition, long offset, byte[] key, byte[] value) {}
