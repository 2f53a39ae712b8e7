package dev.nimblekafka.sim;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes task objects in Nimble's shape: {@code id, state, status_url, download_url, output_url?,
 * error?, error_type?, created_at, modified_at, account_name, api_type, input, batch_id?,
 * status_code?} and, in lists and batches where the schema requires it, {@code _query}.
 */
final class TaskJson {
  private static final DateTimeFormatter TIMESTAMP =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);

  /** Which moment of the task is written, and whether {@code _query} is. */
  enum View {
    /** As created: state pending, no outcome. */
    CREATED(true, false),
    /** As created, inside a batch response. */
    CREATED_IN_LIST(true, true),
    /** As it is now. */
    CURRENT(false, false),
    /** As it is now, inside a list or batch. */
    LISTED(false, true);

    final boolean asCreated;
    final boolean withQuery;

    View(boolean asCreated, boolean withQuery) {
      this.asCreated = asCreated;
      this.withQuery = withQuery;
    }
  }

  private final StateVocabulary states;
  private final String publicUrl;
  private final String accountName;

  TaskJson(StateVocabulary states, String publicUrl, String accountName) {
    this.states = states;
    this.publicUrl = publicUrl;
    this.accountName = accountName;
  }

  static String timestamp(long epochMillis) {
    return TIMESTAMP.format(Instant.ofEpochMilli(epochMillis));
  }

  /** {@code {"status":"success","task":{...}}}: creation, status and callback bodies. */
  byte[] envelope(SimTask task, View view) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(512 + task.input.length());
    try (JsonGenerator g = Json.MAPPER.getFactory().createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("status", "success");
      g.writeFieldName("task");
      write(g, task, view);
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  void write(JsonGenerator g, SimTask task, View view) throws IOException {
    Phase phase = view.asCreated ? Phase.QUEUED : task.phase();
    g.writeStartObject();
    g.writeStringField("id", task.id);
    g.writeStringField("state", view.asCreated ? states.created() : states.name(phase));
    g.writeStringField("status_url", publicUrl + task.version.task(task.id));
    g.writeStringField("download_url", publicUrl + task.version.taskResults(task.id));
    if (phase == Phase.COMPLETED && task.outputUrl() != null) {
      g.writeStringField("output_url", task.outputUrl());
    }
    if (phase == Phase.FAILED) {
      g.writeStringField("error", task.error());
      g.writeStringField("error_type", task.errorType());
    }
    g.writeStringField("created_at", timestamp(task.createdAt));
    g.writeStringField(
        "modified_at", timestamp(view.asCreated ? task.createdAt : task.modifiedAt()));
    g.writeStringField("account_name", accountName);
    g.writeStringField("api_type", task.apiType.wire);
    g.writeFieldName("input");
    g.writeRawValue(task.input);
    if (task.batchId != null) {
      g.writeStringField("batch_id", task.batchId);
    }
    if (phase == Phase.COMPLETED) {
      g.writeNumberField("status_code", 200);
    }
    if (view.withQuery) {
      g.writeNullField("_query");
    }
    g.writeEndObject();
  }
}
