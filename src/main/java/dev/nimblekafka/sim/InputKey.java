package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * A 128-bit digest of the work a task asks for: its API, agent and input with object keys sorted,
 * leaving out the delivery options ({@code callback_url}, {@code storage_*}) at the top level and
 * in {@code params}. Equal keys mean "the same request"; {@link #lo()} also seeds the task's
 * deterministic result content.
 */
record InputKey(long hi, long lo) {

  static InputKey of(ApiType type, JsonNode input) {
    MessageDigest digest = sha256();
    update(digest, type.wire);
    digest.update((byte) 0);
    canonical(digest, input, 0);
    ByteBuffer hash = ByteBuffer.wrap(digest.digest());
    return new InputKey(hash.getLong(), hash.getLong());
  }

  private static void canonical(MessageDigest digest, JsonNode node, int depth) {
    if (node.isObject()) {
      List<String> names = new ArrayList<>();
      for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
        String name = it.next();
        boolean delivery = (depth == 0 || depth == 1) && Delivery.FIELDS.contains(name);
        if (!delivery) {
          names.add(name);
        }
      }
      Collections.sort(names);
      digest.update((byte) '{');
      for (String name : names) {
        update(digest, name);
        digest.update((byte) ':');
        // params is the only nested object whose delivery options are ignored
        canonical(digest, node.get(name), depth == 0 && name.equals("params") ? 1 : 2);
        digest.update((byte) ',');
      }
      digest.update((byte) '}');
    } else if (node.isArray()) {
      digest.update((byte) '[');
      for (JsonNode item : node) {
        canonical(digest, item, 2);
        digest.update((byte) ',');
      }
      digest.update((byte) ']');
    } else {
      update(digest, node.getNodeType().name());
      digest.update((byte) '=');
      update(digest, node.asText());
    }
  }

  private static void update(MessageDigest digest, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    digest.update(ByteBuffer.allocate(4).putInt(bytes.length).array());
    digest.update(bytes);
  }

  private static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required by the Java platform", e);
    }
  }
}
