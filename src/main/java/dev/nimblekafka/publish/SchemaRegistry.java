package dev.nimblekafka.publish;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;

/**
 * Registers the outcome schemas (the results topic's: {@code schemas/result.schema.json} or {@code
 * schemas/page.schema.json}; {@code schemas/failure.schema.json}) at a Schema Registry through its
 * REST API: {@code POST /subjects/<topic>-value/versions} with {@code schemaType} JSON, the subject
 * naming of the default (topic name) strategy; the failure schema comes with the request schema it
 * refers to embedded. A schema already registered under the subject gets its id back. The
 * registry's URL may carry a path (a registry serving the API below one); credentials go in HTTP
 * Basic auth and never into an error.
 */
public final class SchemaRegistry {
  private static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final Duration TIMEOUT = Duration.ofSeconds(10);
  private static final int MAX_MESSAGE = 300;

  private final String base;
  private final String authorization;
  private final ObjectMapper json;
  private final HttpClient http;

  /**
   * @param url the registry's base URL
   * @param userInfo {@code user:password} for HTTP Basic auth, or null for none
   */
  public SchemaRegistry(URI url, String userInfo, ObjectMapper json) {
    String text = url.toString();
    this.base = text.endsWith("/") ? text.substring(0, text.length() - 1) : text;
    this.authorization =
        userInfo == null
            ? null
            : "Basic "
                + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8));
    this.json = json;
    this.http = HttpClient.newBuilder().connectTimeout(TIMEOUT).build();
  }

  /**
   * Registers the result and the failure schema for these topics.
   *
   * @throws IllegalStateException when the registry cannot be reached or refuses one
   */
  public OutcomeFormat.SchemaIds registerOutcomes(String resultsTopic, String failuresTopic) {
    return new OutcomeFormat.SchemaIds(
        register(resultsTopic + "-value", either("result", "page")),
        register(failuresTopic + "-value", bundled("failure", "request")));
  }

  int register(String subject, String schema) {
    String where = base + "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8);
    HttpRequest.Builder request =
        HttpRequest.newBuilder(URI.create(where + "/versions"))
            .timeout(TIMEOUT)
            .header("Content-Type", MEDIA_TYPE)
            .header("Accept", MEDIA_TYPE + ", application/json")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body(schema)));
    if (authorization != null) {
      request.header("Authorization", authorization);
    }
    String failed = "Cannot register the schema of subject " + subject + " at " + base + ": ";
    HttpResponse<byte[]> answer;
    try {
      answer = http.send(request.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (IOException e) {
      throw new IllegalStateException(
          failed + "unreachable (" + e.getClass().getSimpleName() + ")");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(failed + "interrupted");
    }
    JsonNode reply = readable(answer.body());
    if (answer.statusCode() != 200) {
      String message = reply == null ? "" : reply.path("message").asText("");
      if (message.length() > MAX_MESSAGE) {
        message = message.substring(0, MAX_MESSAGE) + "…";
      }
      throw new IllegalStateException(
          failed + "HTTP " + answer.statusCode() + (message.isEmpty() ? "" : ": " + message));
    }
    if (reply == null
        || !reply.path("id").canConvertToInt()
        || !reply.path("id").isIntegralNumber()) {
      throw new IllegalStateException(failed + "the answer has no schema id");
    }
    return reply.path("id").intValue();
  }

  private byte[] body(String schema) {
    try {
      return json.writeValueAsBytes(
          json.createObjectNode().put("schemaType", "JSON").put("schema", schema));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private JsonNode readable(byte[] body) {
    try {
      return body.length == 0 ? null : json.readTree(body);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * The results topic's schema: a record is a result ({@code result.schema.json}) or a crawl's page
   * record ({@code page.schema.json}); both are embedded, as {@link #bundled} embeds, so the one
   * document the registry holds validates every record of the topic.
   */
  private String either(String... names) {
    try {
      ObjectNode root = json.createObjectNode();
      root.put("$schema", "https://json-schema.org/draft/2020-12/schema");
      root.put("$id", "https://nimblekafka.dev/schemas/results-topic.schema.json");
      root.put("title", "Results topic record");
      root.put(
          "description",
          "A record on the results topic: a request's result (result.schema.json) or one page of"
              + " a crawl request (page.schema.json, with record: page).");
      var anyOf = root.putArray("anyOf");
      ObjectNode defs = root.putObject("$defs");
      for (String name : names) {
        anyOf.addObject().put("$ref", name + ".schema.json");
        defs.set(name + ".schema.json", json.readTree(schema(name)));
      }
      return json.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * A schema with the documents it refers to embedded under {@code $defs}, each keeping its {@code
   * $id} (JSON Schema 2020-12 bundling): its {@code $ref}s then resolve within the one document a
   * deserializer fetches by id, with nothing to look up elsewhere.
   */
  private String bundled(String name, String... referenced) {
    try {
      ObjectNode root = (ObjectNode) json.readTree(schema(name));
      ObjectNode defs = root.with("$defs");
      for (String other : referenced) {
        defs.set(other + ".schema.json", json.readTree(schema(other)));
      }
      return json.writeValueAsString(root);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String schema(String name) {
    String path = "/schemas/" + name + ".schema.json";
    try (InputStream in = SchemaRegistry.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException("the jar has no " + path);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
