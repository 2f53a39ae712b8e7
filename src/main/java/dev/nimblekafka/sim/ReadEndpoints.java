package dev.nimblekafka.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.wire.ApiVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The read endpoints: task status and results, the task list, batches and agents.
 *
 * <p>Undocumented answers chosen here:
 *
 * <ul>
 *   <li>{@code GET /v1/tasks/{id}/results} before the task finished: 404 {@code {"status":
 *       "failed","error":"Task results not ready","task_id":...,"state":...}}; for a failed task:
 *       404 {@code {"status":"failed","error":"Task failed, no results","task_id":...,"state":...,
 *       "task_error":...}}. Expired or unknown tasks: the documented 404 {@code Task not found}.
 *   <li>{@code GET /v1/tasks} lists the newest first. {@code next_cursor} is opaque (a UUID that
 *       encodes a position), so it stays valid even when the task it points at expires; a task id
 *       is also accepted as a cursor. A malformed cursor or limit is a 400 schema error.
 *   <li>{@code GET /v1/batches/{id}}: tasks that are gone are {@code null} in {@code tasks} (the
 *       schema allows it) and count as done; the batch itself is gone when all its tasks are.
 *       {@code completed_count} counts completed and failed tasks.
 *   <li>Every read answers the same under {@code /v1} and {@code /v2}: a task or batch created
 *       under one version is read under the other, as one account's would be. Only the agent
 *       catalogue differs in shape: v1 lists agents as an array; v2 lists extract templates as
 *       {@code {items, limit, offset, total}} and answers one as {@code {id, name,
 *       published_version:{input_schema, output_schema, metadata}}}.
 * </ul>
 */
final class ReadEndpoints {
  private final TaskStore store;
  private final TaskJson json;
  private final ResultFactory results;
  private final StateVocabulary states;
  private final Clock clock;

  ReadEndpoints(
      TaskStore store, TaskJson json, ResultFactory results, StateVocabulary states, Clock clock) {
    this.store = store;
    this.json = json;
    this.results = results;
    this.states = states;
    this.clock = clock;
  }

  Reply handle(Route route, ApiVersion version, String param, String rawQuery) {
    return switch (route) {
      case TASK_GET -> task(param);
      case TASK_RESULTS -> results(param);
      case TASKS_LIST -> list(Query.parse(rawQuery));
      case BATCH_GET -> batch(param, true);
      case BATCH_PROGRESS -> batch(param, false);
      case AGENTS_LIST -> agents(Query.parse(rawQuery), version);
      case AGENT_GET -> agent(param, version);
      default -> throw new IllegalArgumentException("not a read route: " + route);
    };
  }

  private Reply task(String id) {
    SimTask task = store.get(id, clock.millis());
    if (task == null) {
      return Replies.taskNotFound();
    }
    return Reply.json(200, json.envelope(task, TaskJson.View.CURRENT)).withHeader("x-task-id", id);
  }

  private Reply results(String id) {
    SimTask task = store.get(id, clock.millis());
    if (task == null) {
      return Replies.taskNotFound();
    }
    Phase phase = task.phase();
    if (phase == Phase.COMPLETED) {
      return Reply.json(200, results.render(task)).withHeader("x-task-id", id);
    }
    if (phase == Phase.FAILED) {
      return Replies.resultsOfFailedTask(id, states.name(phase), task.error());
    }
    return Replies.resultsNotReady(id, states.name(phase));
  }

  private Reply list(Map<String, String> query) {
    Validator v = new Validator();
    int limit = 100;
    String rawLimit = query.get("limit");
    if (rawLimit != null) {
      try {
        limit = Integer.parseInt(rawLimit);
        if (limit < 1) {
          v.minimum("/limit", "#/properties/limit", 1);
        }
      } catch (NumberFormatException e) {
        v.type("/limit", "#/properties/limit", "integer");
      }
    }
    long from = Long.MAX_VALUE;
    String cursor = query.get("cursor");
    if (cursor != null && !cursor.isEmpty()) {
      from = cursorPosition(cursor);
      if (from < 0) {
        v.format("/cursor", "#/properties/cursor", "uuid");
      }
    }
    if (!v.ok()) {
      return Replies.badRequest(v.errors());
    }
    TaskStore.Page page = store.list(from, limit, clock.millis());
    ByteArrayOutputStream out = new ByteArrayOutputStream(256 + page.tasks().size() * 600);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeArrayFieldStart("data");
      for (SimTask task : page.tasks()) {
        json.write(g, task, TaskJson.View.LISTED);
      }
      g.writeEndArray();
      g.writeObjectFieldStart("pagination");
      g.writeBooleanField("has_next", page.hasNext());
      if (page.hasNext()) {
        g.writeStringField("next_cursor", new UUID(0, page.nextSeq()).toString());
      } else {
        g.writeNullField("next_cursor");
      }
      g.writeNumberField("total", store.size());
      g.writeEndObject();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Reply.json(200, out.toByteArray());
  }

  /** The list position a cursor stands for, or -1 if it is no cursor. */
  private long cursorPosition(String cursor) {
    try {
      UUID uuid = UUID.fromString(cursor);
      if (uuid.getMostSignificantBits() == 0) {
        return uuid.getLeastSignificantBits();
      }
    } catch (IllegalArgumentException e) {
      return -1;
    }
    return store.seqOf(cursor);
  }

  private Reply batch(String id, boolean withTasks) {
    long now = clock.millis();
    SimBatch batch = store.batch(id, now);
    if (batch == null) {
      return Replies.batchNotFound();
    }
    SimTask[] tasks = batch.tasks();
    int done = 0;
    long completedAt = 0;
    for (SimTask task : tasks) {
      boolean gone = store.isGone(task, now);
      if (gone || task.phase().finished()) {
        done++;
        completedAt = Math.max(completedAt, task.modifiedAt());
      }
    }
    boolean completed = done == tasks.length;
    ByteArrayOutputStream out =
        new ByteArrayOutputStream(256 + (withTasks ? tasks.length * 600 : 0));
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("status", "success");
      g.writeStringField("id", batch.id());
      g.writeBooleanField("completed", completed);
      g.writeNumberField("completed_count", done);
      g.writeNumberField("progress", (double) done / tasks.length);
      if (withTasks) {
        g.writeStringField("created_at", TaskJson.timestamp(batch.createdAt()));
      }
      if (completed) {
        g.writeStringField("completed_at", TaskJson.timestamp(completedAt));
      }
      if (withTasks) {
        g.writeArrayFieldStart("tasks");
        for (SimTask task : tasks) {
          if (store.isGone(task, now)) {
            g.writeNull();
          } else {
            json.write(g, task, TaskJson.View.LISTED);
          }
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return Reply.json(200, out.toByteArray());
  }

  private static Reply agents(Map<String, String> query, ApiVersion version) {
    int limit;
    int offset;
    try {
      limit = Integer.parseInt(query.getOrDefault("limit", "100"));
      offset = Integer.parseInt(query.getOrDefault("offset", "0"));
    } catch (NumberFormatException e) {
      Validator v = new Validator();
      v.type(query.containsKey("limit") ? "/limit" : "/offset", "#", "integer");
      return Replies.badRequest(v.errors());
    }
    List<AgentCatalog.Agent> all = AgentCatalog.all();
    int from = Math.min(all.size(), Math.max(0, offset));
    int to = Math.min(all.size(), from + Math.min(250, Math.max(1, limit)));
    ArrayNode array = Json.array();
    all.subList(from, to).forEach(agent -> array.add(agent.summary()));
    if (version == ApiVersion.V1) {
      return Reply.json(200, array);
    }
    ObjectNode page = Json.object();
    page.set("items", array);
    page.put("limit", to - from);
    page.put("offset", from);
    page.put("total", all.size());
    return Reply.json(200, page);
  }

  private static Reply agent(String name, ApiVersion version) {
    AgentCatalog.Agent agent = AgentCatalog.find(name);
    if (agent == null) {
      return Replies.agentNotFound(version);
    }
    if (version != ApiVersion.V1) {
      ObjectNode node = Json.object();
      node.put("id", agent.name());
      node.put("name", agent.name());
      ObjectNode published = node.putObject("published_version");
      ObjectNode input = published.putObject("input_schema");
      input.put("type", "object");
      input.putArray("required").add(agent.mainParam());
      input
          .putObject("properties")
          .putObject(agent.mainParam())
          .put("type", "string")
          .put("description", "The " + agent.mainParam().replace('_', ' ') + " to extract");
      published.putObject("output_schema");
      published.set("metadata", agent.summary());
      return Reply.json(200, node);
    }
    ObjectNode node = agent.summary();
    node.putObject("output_schema");
    ObjectNode input = node.putArray("input_properties").addObject();
    input.put("name", agent.mainParam());
    input.put("required", true);
    input.put("type", "string");
    input.put("description", "The " + agent.mainParam().replace('_', ' ') + " to extract");
    input.put("is_localization_param", false);
    input.put("is_pagination_param", false);
    ObjectNode flags = node.putObject("feature_flags");
    flags.put("is_localization_supported", false);
    flags.put("is_pagination_supported", false);
    return Reply.json(200, node);
  }
}
