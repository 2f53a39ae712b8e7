package dev.nimblekafka.sim;

import static dev.nimblekafka.wire.NimbleLimits.MAX_BATCH_INPUTS;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.wire.ApiVersion;
import java.util.ArrayList;
import java.util.List;

/**
 * Turns the body of a task-creating call into the tasks to create, or into the reason it is
 * rejected: schema errors (400) or an unknown agent (404). A batch is all or nothing.
 *
 * <p>Batches: each item is merged over {@code shared_inputs} (the item's fields win; for agents the
 * {@code params} objects are merged key by key). Delivery options ({@code callback_url}, {@code
 * storage_*}) come from {@code shared_inputs} only and apply to the whole batch; in items they are
 * checked but ignored. Agents take delivery options from {@code params} (as documented) or from the
 * top level (as the SDK sends them); {@code params} wins when both are set.
 *
 * <p>Versions: v1 names the agent in {@code agent} ({@code shared_inputs.agent} in a batch); v2
 * calls agents extract templates and names one in {@code template}. The same catalogue answers
 * both; otherwise the rules are the same.
 */
final class CreateRequests {
  private static final String ITEMS = "#/properties/inputs/items";
  private static final String SHARED = "#/properties/shared_inputs";

  private CreateRequests() {}

  /** The outcome of reading a request. */
  sealed interface Outcome permits Valid, Invalid, UnknownAgent {}

  /** Tasks to create, in order. */
  record Valid(List<TaskSpec> specs) implements Outcome {}

  /** Schema errors: answer 400. */
  record Invalid(List<SchemaError> errors) implements Outcome {}

  /** The agent (v2: template) does not exist: answer 404. */
  record UnknownAgent(String name, ApiVersion version) implements Outcome {}

  /** One task to create. */
  record TaskSpec(ApiType type, String agent, ObjectNode input, Delivery delivery) {}

  static Outcome extract(JsonNode body) {
    Validator v = new Validator();
    if (!v.object(body, "", "#")) {
      return new Invalid(v.errors());
    }
    v.extract(body, "", "#", true);
    v.delivery(body, "", "#");
    if (!v.ok()) {
      return new Invalid(v.errors());
    }
    return new Valid(
        List.of(new TaskSpec(ApiType.EXTRACT, null, (ObjectNode) body, Delivery.read(body, null))));
  }

  static Outcome agent(JsonNode body, ApiVersion version) {
    String field = version.templateField();
    Validator v = new Validator();
    if (!v.object(body, "", "#")) {
      return new Invalid(v.errors());
    }
    v.agent(body, "", "#", true, field);
    v.delivery(body, "", "#");
    if (!v.ok()) {
      return new Invalid(v.errors());
    }
    String name = body.get(field).textValue();
    if (AgentCatalog.find(name) == null) {
      return new UnknownAgent(name, version);
    }
    Delivery delivery = Delivery.read(body.get("params"), body);
    return new Valid(List.of(new TaskSpec(ApiType.AGENT, name, (ObjectNode) body, delivery)));
  }

  static Outcome serp(JsonNode body) {
    Validator v = new Validator();
    if (!v.object(body, "", "#")) {
      return new Invalid(v.errors());
    }
    v.serp(body, "", "#", true);
    v.delivery(body, "", "#");
    if (!v.ok()) {
      return new Invalid(v.errors());
    }
    return new Valid(
        List.of(new TaskSpec(ApiType.SERP, null, (ObjectNode) body, Delivery.read(body, null))));
  }

  /**
   * A SERP batch: as an extract batch, with {@code search_engine} required of every item that
   * {@code shared_inputs} does not give one.
   */
  static Outcome serpBatch(JsonNode body) {
    return sharedInputsBatch(body, ApiType.SERP, "search_engine", Validator::serp);
  }

  static Outcome extractBatch(JsonNode body) {
    return sharedInputsBatch(body, ApiType.EXTRACT, "url", Validator::extract);
  }

  /** How one input of a batch (or its shared inputs) is checked, its key field required or not. */
  private interface InputRule {
    void check(Validator v, JsonNode node, String at, String schema, boolean keyRequired);
  }

  /**
   * A batch of {@code inputs} over optional {@code shared_inputs}: each input is checked by {@code
   * rule}, its {@code key} field required unless the shared inputs give it, and becomes one task of
   * the shared inputs overlaid with its own.
   */
  private static Outcome sharedInputsBatch(
      JsonNode body, ApiType type, String key, InputRule rule) {
    Validator v = new Validator();
    if (!v.object(body, "", "#")) {
      return new Invalid(v.errors());
    }
    JsonNode inputs = inputs(body, v);
    JsonNode shared = body.get("shared_inputs");
    boolean sharedOk = shared == null || shared.isNull();
    if (!sharedOk && v.object(shared, "/shared_inputs", SHARED)) {
      sharedOk = true;
      rule.check(v, shared, "/shared_inputs", SHARED, false);
      v.delivery(shared, "/shared_inputs", SHARED);
    }
    if (inputs == null || !sharedOk) {
      return new Invalid(v.errors());
    }
    boolean sharedKey = shared != null && shared.hasNonNull(key);
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode item = inputs.get(i);
      if (v.object(item, "/inputs/" + i, ITEMS)) {
        rule.check(v, item, "/inputs/" + i, ITEMS, !sharedKey);
        v.delivery(item, "/inputs/" + i, ITEMS);
      }
    }
    if (!v.ok()) {
      return new Invalid(v.errors());
    }
    Delivery delivery = shared == null ? null : Delivery.read(shared, null);
    List<TaskSpec> specs = new ArrayList<>(inputs.size());
    for (JsonNode item : inputs) {
      ObjectNode merged = shared == null || shared.isNull() ? Json.object() : shared.deepCopy();
      merged.setAll((ObjectNode) item);
      specs.add(new TaskSpec(type, null, merged, delivery));
    }
    return new Valid(specs);
  }

  static Outcome agentBatch(JsonNode body, ApiVersion version) {
    String field = version.templateField();
    Validator v = new Validator();
    if (!v.object(body, "", "#")) {
      return new Invalid(v.errors());
    }
    JsonNode inputs = inputs(body, v);
    JsonNode shared = body.get("shared_inputs");
    boolean sharedOk = false;
    if (shared == null || shared.isNull()) {
      v.required("", "#", "shared_inputs");
    } else if (v.object(shared, "/shared_inputs", SHARED)) {
      sharedOk = true;
      v.agent(shared, "/shared_inputs", SHARED, false, field);
      v.delivery(shared, "/shared_inputs", SHARED);
    }
    if (inputs == null || !sharedOk) {
      return new Invalid(v.errors());
    }
    List<ObjectNode> merged = new ArrayList<>(inputs.size());
    for (int i = 0; i < inputs.size(); i++) {
      JsonNode item = inputs.get(i);
      String at = "/inputs/" + i;
      if (!v.object(item, at, ITEMS)) {
        continue;
      }
      v.agent(item, at, ITEMS, false, field);
      v.delivery(item, at, ITEMS);
      ObjectNode input = mergeAgentItem((ObjectNode) shared, (ObjectNode) item);
      if (!input.path(field).isTextual()) {
        v.required(at, ITEMS, field);
      }
      if (input.path("params").isEmpty()) {
        if (item.path("params").isObject()) {
          v.minProperties(at + "/params", ITEMS + "/properties/params");
        } else {
          v.required(at, ITEMS, "params");
        }
      }
      merged.add(input);
    }
    if (!v.ok()) {
      return new Invalid(v.errors());
    }
    Delivery delivery = Delivery.read(shared.get("params"), shared);
    List<TaskSpec> specs = new ArrayList<>(merged.size());
    for (ObjectNode input : merged) {
      String name = input.get(field).textValue();
      if (AgentCatalog.find(name) == null) {
        return new UnknownAgent(name, version);
      }
      specs.add(new TaskSpec(ApiType.AGENT, name, input, delivery));
    }
    return new Valid(specs);
  }

  /** {@code inputs}, checked to be an array of 1 to 1000 items; null (with errors) if not. */
  private static JsonNode inputs(JsonNode body, Validator v) {
    JsonNode inputs = body.get("inputs");
    if (inputs == null || inputs.isNull()) {
      v.required("", "#", "inputs");
      return null;
    }
    if (!v.array(inputs, "/inputs", "#/properties/inputs")) {
      return null;
    }
    if (inputs.isEmpty()) {
      v.minItems("/inputs", "#/properties/inputs", 1);
      return null;
    }
    if (inputs.size() > MAX_BATCH_INPUTS) {
      v.maxItems("/inputs", "#/properties/inputs", MAX_BATCH_INPUTS);
      return null;
    }
    return inputs;
  }

  private static ObjectNode mergeAgentItem(ObjectNode shared, ObjectNode item) {
    ObjectNode merged = shared.deepCopy();
    merged.setAll(item);
    ObjectNode params = Json.object();
    if (shared.path("params").isObject()) {
      params.setAll((ObjectNode) shared.get("params"));
    }
    if (item.path("params").isObject()) {
      params.setAll((ObjectNode) item.get("params"));
    }
    merged.set("params", params);
    return merged;
  }
}
