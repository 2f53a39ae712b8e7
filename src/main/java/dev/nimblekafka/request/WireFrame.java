package dev.nimblekafka.request;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The Schema Registry wire format: a record value that starts with the magic byte {@code 0} is a
 * 4-byte big-endian schema id and then the serialized data (here JSON). JSON text never starts with
 * a 0 byte, so a framed value and a plain one are told apart by their first byte alone.
 */
public final class WireFrame {
  /** The first byte of a framed value. */
  public static final byte MAGIC = 0;

  /** The magic byte and the schema id. */
  public static final int HEADER_BYTES = 5;

  private WireFrame() {}

  /** Whether the value starts with the magic byte (a frame, whole or cut short). */
  public static boolean framed(byte[] value) {
    return value != null && value.length > 0 && value[0] == MAGIC;
  }

  /**
   * Why a framed value cannot be read (it is shorter than its frame), or null when it can, or when
   * it is not framed at all.
   */
  public static String problem(byte[] value) {
    if (!framed(value) || value.length >= HEADER_BYTES) {
      return null;
    }
    return "the record value starts with the Schema Registry magic byte 0, so it needs at least "
        + HEADER_BYTES
        + " bytes (the magic byte and a 4-byte schema id) but has "
        + value.length;
  }

  /** The data after a whole frame; any other value (plain, or a frame cut short) as it is. */
  public static byte[] payload(byte[] value) {
    if (!framed(value) || value.length < HEADER_BYTES) {
      return value;
    }
    return Arrays.copyOfRange(value, HEADER_BYTES, value.length);
  }

  /** {@code data} framed with {@code schemaId}. */
  public static byte[] frame(int schemaId, byte[] data) {
    return ByteBuffer.allocate(HEADER_BYTES + data.length)
        .put(MAGIC)
        .putInt(schemaId)
        .put(data)
        .array();
  }
}
