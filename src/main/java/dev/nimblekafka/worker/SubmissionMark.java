package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.request.Kind;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * How the worker recognises a task it created when no answer said so: each create carries a tag
 * (extract: {@code tag}; agent: {@code params.tag}) made from the request id and the attempt, and
 * Nimble echoes the input on every task object. A request that sets its own tag keeps it; its task
 * is then recognised by that tag and its target (the URL, or the agent).
 */
final class SubmissionMark {
  static final String PREFIX = "nkw-";

  private SubmissionMark() {}

  /** The tag of a request's attempt number {@code attempt} (0 for the first). */
  static String of(String requestId, int attempt) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      byte[] digest = sha.digest((requestId + "#" + attempt).getBytes(StandardCharsets.UTF_8));
      return PREFIX + HexFormat.of().formatHex(digest, 0, 8);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always there", e);
    }
  }

  /** Puts the mark on a body about to be sent, unless the request has a tag of its own. */
  static void apply(ObjectNode body, Kind kind, String mark) {
    if (kind == Kind.EXTRACT) {
      if (!body.hasNonNull("tag")) {
        body.put("tag", mark);
      }
    } else if (body.path("params").isObject() && !body.path("params").hasNonNull("tag")) {
      ((ObjectNode) body.get("params")).put("tag", mark);
    }
  }

  /** The tag a body or a task's input carries, or null. */
  static String tagOf(JsonNode input) {
    JsonNode tag = input.path("tag");
    if (!tag.isTextual()) {
      tag = input.path("params").path("tag");
    }
    return tag.isTextual() ? tag.asText() : null;
  }

  /** Whether a listed task's input is the one a body with this tag created. */
  static boolean matches(JsonNode input, JsonNode body, String tag) {
    if (tag == null || !tag.equals(tagOf(input))) {
      return false;
    }
    if (tag.startsWith(PREFIX)) {
      return true; // the worker's own mark names the request and the attempt
    }
    return input.path("url").equals(body.path("url"))
        && input.path("agent").equals(body.path("agent"));
  }
}
