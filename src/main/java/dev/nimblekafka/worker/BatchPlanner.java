package dev.nimblekafka.worker;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.request.Kind;
import dev.nimblekafka.task.PendingTask;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Groups waiting requests that can share one batch call: same endpoint, same agent, and the same
 * delivery options (Nimble applies {@code callback_url} and {@code storage_*} to a whole batch).
 * Requests naming their own storage object are never batched: every item would write the same
 * object.
 */
final class BatchPlanner {
  static final List<String> DELIVERY =
      List.of(
          "callback_url", "storage_type", "storage_url", "storage_compress", "storage_object_name");

  private final JsonNodeFactory json = JsonNodeFactory.instance;

  /** Requests that go together, with their bodies (delivery options moved to {@code shared}). */
  record Group(Kind kind, List<PendingTask> tasks, List<ObjectNode> inputs, ObjectNode shared) {

    boolean single() {
      return tasks.size() == 1;
    }
  }

  /**
   * Splits {@code tasks} into groups of at most {@code maxSize}.
   *
   * <p>Requests of different partitions share a batch: the worker's callback URL names every
   * partition of its batch.
   *
   * @param bodies the Nimble body of each task, in the same order
   */
  List<Group> plan(List<PendingTask> tasks, List<ObjectNode> bodies, int maxSize) {
    Map<String, Group> open = new LinkedHashMap<>();
    List<Group> groups = new ArrayList<>();
    for (int i = 0; i < tasks.size(); i++) {
      PendingTask task = tasks.get(i);
      ObjectNode body = bodies.get(i);
      ObjectNode delivery = takeDelivery(task.kind(), body);
      if (delivery.hasNonNull("storage_object_name")) {
        restore(task.kind(), body, delivery);
        groups.add(new Group(task.kind(), List.of(task), List.of(body), null));
        continue;
      }
      String agent = task.kind() == Kind.AGENT ? body.path("agent").asText() : "";
      String key = task.kind() + "|" + agent + "|" + delivery;
      Group group = open.get(key);
      if (group == null || group.tasks().size() >= maxSize) {
        group = new Group(task.kind(), new ArrayList<>(), new ArrayList<>(), delivery);
        open.put(key, group);
        groups.add(group);
      }
      group.tasks().add(task);
      group.inputs().add(body);
    }
    List<Group> planned = new ArrayList<>();
    for (Group group : groups) {
      if (group.tasks().size() == 1 && group.shared() != null) {
        ObjectNode body = group.inputs().get(0);
        restore(group.kind(), body, group.shared());
        planned.add(new Group(group.kind(), group.tasks(), group.inputs(), null));
      } else {
        planned.add(group);
      }
    }
    return planned;
  }

  /** The batch call's body: {@code {inputs:[...], shared_inputs:{...}}}. */
  ObjectNode batchBody(Group group) {
    ObjectNode body = json.objectNode();
    ArrayNode inputs = body.putArray("inputs");
    ObjectNode shared = body.putObject("shared_inputs");
    if (group.kind() != Kind.AGENT) {
      group.inputs().forEach(inputs::add);
      shared.setAll(group.shared());
      return body;
    }
    shared.put("agent", group.inputs().get(0).path("agent").asText());
    if (!group.shared().isEmpty()) {
      shared.putObject("params").setAll(group.shared());
    }
    for (ObjectNode input : group.inputs()) {
      ObjectNode item = input.deepCopy();
      item.remove("agent");
      inputs.add(item);
    }
    return body;
  }

  /** Removes the delivery options from a body (agents: top level and params) and returns them. */
  private ObjectNode takeDelivery(Kind kind, ObjectNode body) {
    ObjectNode delivery = json.objectNode();
    move(body, delivery);
    if (kind == Kind.AGENT && body.path("params").isObject()) {
      move((ObjectNode) body.get("params"), delivery);
    }
    return delivery;
  }

  private static void move(ObjectNode from, ObjectNode to) {
    for (String field : DELIVERY) {
      JsonNode value = from.remove(field);
      if (value != null && !value.isNull()) {
        to.set(field, value);
      }
    }
  }

  /** Puts the delivery options back into a body sent on its own. */
  private static void restore(Kind kind, ObjectNode body, ObjectNode delivery) {
    ObjectNode target =
        kind == Kind.AGENT && body.path("params").isObject()
            ? (ObjectNode) body.get("params")
            : body;
    target.setAll(delivery);
  }
}
