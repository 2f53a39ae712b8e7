package dev.nimblekafka.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.wire.ApiVersion;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The task-creating endpoints: async and batch (answer at once with the created tasks) and the
 * synchronous {@code POST /v1/extract} and {@code POST /v1/agents/run}, which create a task like
 * any other (it waits for a slot and runs for its duration) and answer when it ends: 200 with the
 * result body, or, if the task failed, 500 with Nimble's documented server-error body naming the
 * task. Synchronous calls ignore delivery options. The same under both API versions; a task
 * remembers the version it was created under for its {@code status_url} and {@code download_url}. A
 * create carrying {@link TaskFactory#FORBID_MARK} is answered 403 and creates nothing; in a batch,
 * one such input refuses the whole batch.
 */
final class CreateEndpoints {
  private final TaskFactory factory;
  private final TaskStore store;
  private final TaskJson json;
  private final ResultFactory results;
  private final Executor io;

  /** {@code io} renders and answers synchronous calls, off the thread that ended the task. */
  CreateEndpoints(
      TaskFactory factory, TaskStore store, TaskJson json, ResultFactory results, Executor io) {
    this.factory = factory;
    this.store = store;
    this.json = json;
    this.results = results;
    this.io = io;
  }

  CompletionStage<Reply> handle(Route route, ApiVersion version, byte[] body) {
    JsonNode request = parse(body);
    if (request == null) {
      Validator v = new Validator();
      v.type("", "#", "object");
      return done(Replies.badRequest(v.errors()));
    }
    return switch (route) {
      case EXTRACT -> sync(CreateRequests.extract(request), version);
      case AGENTS_RUN -> sync(CreateRequests.agent(request, version), version);
      case EXTRACT_ASYNC -> async(CreateRequests.extract(request), version);
      case AGENTS_ASYNC -> async(CreateRequests.agent(request, version), version);
      case EXTRACT_BATCH -> batch(CreateRequests.extractBatch(request), version);
      case AGENTS_BATCH -> batch(CreateRequests.agentBatch(request, version), version);
      case SERP_ASYNC -> async(CreateRequests.serp(request), version);
      case SERP_BATCH -> batch(CreateRequests.serpBatch(request), version);
      default -> throw new IllegalArgumentException("not a creating route: " + route);
    };
  }

  private CompletionStage<Reply> async(CreateRequests.Outcome outcome, ApiVersion version) {
    Reply rejected = rejection(outcome);
    if (rejected != null) {
      return done(rejected);
    }
    SimTask task = factory.create(specs(outcome).get(0), null, false, version);
    factory.submit(task);
    return done(
        Reply.json(200, json.envelope(task, TaskJson.View.CREATED))
            .withHeader("x-task-id", task.id));
  }

  private CompletionStage<Reply> sync(CreateRequests.Outcome outcome, ApiVersion version) {
    Reply rejected = rejection(outcome);
    if (rejected != null) {
      return done(rejected);
    }
    SimTask task = factory.create(specs(outcome).get(0), null, true, version);
    factory.submit(task);
    return task.waiter.thenApplyAsync(
        t ->
            (t.phase() == Phase.COMPLETED
                    ? Reply.json(200, results.render(t))
                    : Replies.serverError(t.id))
                .withHeader("x-task-id", t.id),
        io);
  }

  private CompletionStage<Reply> batch(CreateRequests.Outcome outcome, ApiVersion version) {
    Reply rejected = rejection(outcome);
    if (rejected != null) {
      return done(rejected);
    }
    List<CreateRequests.TaskSpec> specs = specs(outcome);
    String batchId = TaskFactory.randomId(ThreadLocalRandom.current());
    SimTask[] tasks = new SimTask[specs.size()];
    for (int i = 0; i < tasks.length; i++) {
      tasks[i] = factory.create(specs.get(i), batchId, false, version);
    }
    store.addBatch(new SimBatch(batchId, tasks[0].createdAt, tasks));
    for (SimTask task : tasks) {
      factory.submit(task);
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(tasks.length * 600);
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("batch_id", batchId);
      g.writeNumberField("batch_size", tasks.length);
      g.writeArrayFieldStart("tasks");
      for (SimTask task : tasks) {
        json.write(g, task, TaskJson.View.CREATED_IN_LIST);
      }
      g.writeEndArray();
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return done(Reply.json(200, out.toByteArray()));
  }

  private static Reply rejection(CreateRequests.Outcome outcome) {
    if (outcome instanceof CreateRequests.Invalid invalid) {
      return Replies.badRequest(invalid.errors());
    }
    if (outcome instanceof CreateRequests.UnknownAgent unknown) {
      return Replies.agentNotFound(unknown.version());
    }
    if (specs(outcome).stream().anyMatch(spec -> TaskFactory.forbidden(spec.input()))) {
      return Replies.forbidden();
    }
    return null;
  }

  private static List<CreateRequests.TaskSpec> specs(CreateRequests.Outcome outcome) {
    return ((CreateRequests.Valid) outcome).specs();
  }

  private static JsonNode parse(byte[] body) {
    try {
      JsonNode node = Json.MAPPER.readTree(body);
      return node == null || node.isMissingNode() ? null : node;
    } catch (IOException e) {
      return null;
    }
  }

  private static CompletionStage<Reply> done(Reply reply) {
    return CompletableFuture.completedFuture(reply);
  }
}
