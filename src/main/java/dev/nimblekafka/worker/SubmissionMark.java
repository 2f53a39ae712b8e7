package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.request.ReservedTag;
import dev.nimblekafka.task.PendingTask;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Objects;

/**
 * How the worker recognises a task it created when no answer said so. Each create carries a tag
 * (extract: {@code tag}; agent: {@code params.tag}; crawl: the end of its {@code name}; SERP: none,
 * see below) that names one consumption of a request: the request id, the partition and offset of
 * the record it was consumed from, and the attempt. A request id used again (the contract frees an
 * id once its outcome is published), or the same id on two partitions, therefore gets another mark.
 * A request that sets its own tag keeps it; its task is then recognised by that tag and its input
 * alone.
 *
 * <p>Nimble echoes the input on every task object. A listed task is taken for the create only when
 * its input is the body that was sent, leaving out the delivery options ({@code callback_url},
 * {@code storage_*}, which the worker adds or which Nimble may not echo) and reading v2's {@code
 * template} as v1's {@code agent}. A service that echoes more or less than it was sent makes every
 * look-up miss: the request is then created again, which costs a task but never a wrong result.
 *
 * <p>SERP calls document no {@code tag}, so a SERP create carries no mark: its task is recognised
 * by its input alone (the same search, engine and options), created after the create went out. Two
 * creates of the same search then look alike; {@link Reconciler} gives each lost one the matching
 * task created nearest after it that no other request holds.
 */
final class SubmissionMark {
  private SubmissionMark() {}

  /** The mark of the request's current attempt, from the record it was consumed from. */
  static String of(PendingTask task) {
    return of(task.requestId(), task.partition(), task.sourceOffset(), task.attempts());
  }

  /**
   * The mark of attempt {@code attempt} (0 for the first) of the request {@code requestId} consumed
   * at {@code offset} of partition {@code partition}.
   */
  static String of(String requestId, int partition, long offset, int attempt) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      String consumption = requestId + "#" + partition + "#" + offset + "#" + attempt;
      byte[] digest = sha.digest(consumption.getBytes(StandardCharsets.UTF_8));
      return ReservedTag.PREFIX + HexFormat.of().formatHex(digest, 0, 12);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is always there", e);
    }
  }

  /**
   * Puts the mark on a body about to be sent, unless the request has a tag of its own. A SERP body
   * gets none: Nimble documents no {@code tag} for SERP calls, and a field it does not document
   * could have the create refused.
   */
  static void apply(ObjectNode body, Kind kind, String mark) {
    if (kind == Kind.SERP) {
      return;
    }
    if (kind == Kind.CRAWL) {
      // a crawl has no tag: its name carries the mark, after the request's own name if it has one
      String name = body.path("name").isTextual() ? body.get("name").asText() + " " : "";
      body.put("name", name + mark);
      return;
    }
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
    if (input == null) {
      return null;
    }
    JsonNode tag = input.path("tag");
    if (!tag.isTextual()) {
      tag = input.path("params").path("tag");
    }
    return tag.isTextual() ? tag.asText() : null;
  }

  /**
   * Whether a listed task's input is the one the body {@code sent} created: the same tag, and the
   * same input but for the delivery options. A body sent without a tag (SERP) matches an input
   * without one that is otherwise the same: that proves less (another create of the same search
   * matches too), so whoever adopts by it must also rule out the tasks it knows to be others'.
   */
  static boolean matches(JsonNode input, JsonNode sent) {
    if (input == null || !Objects.equals(tagOf(sent), tagOf(input))) {
      return false;
    }
    return comparable(input).equals(comparable(sent));
  }

  /** Whether {@code sent} carries a tag, so that a task matching it is surely its create's. */
  static boolean tagged(JsonNode sent) {
    return tagOf(sent) != null;
  }

  /** The input without the delivery options, top level and in {@code params}; v2 names as v1. */
  private static JsonNode comparable(JsonNode input) {
    if (!input.isObject()) {
      return input;
    }
    ObjectNode copy = ((ObjectNode) input).deepCopy();
    if (copy.has("template") && !copy.has("agent")) {
      copy.set("agent", copy.remove("template"));
    }
    withoutDelivery(copy);
    if (copy.path("params").isObject()) {
      withoutDelivery((ObjectNode) copy.get("params"));
    }
    return copy;
  }

  private static void withoutDelivery(ObjectNode node) {
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      if (BatchPlanner.DELIVERY.contains(it.next().getKey())) {
        it.remove();
      }
    }
  }
}
