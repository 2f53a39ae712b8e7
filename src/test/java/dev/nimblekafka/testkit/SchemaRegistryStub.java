package dev.nimblekafka.testkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A Schema Registry as its REST API documents it, the part a producer and a consumer of framed JSON
 * use: {@code POST /subjects/{subject}/versions} (body {@code {"schemaType","schema"}}, answer
 * {@code {"id"}}; the same schema gets the same id again) and {@code GET /schemas/ids/{id}} (answer
 * {@code {"schemaType","schema"}}), media type {@code application/vnd.schemaregistry.v1+json},
 * errors as {@code {"error_code","message"}}. With a user set, every call needs HTTP Basic auth.
 */
public final class SchemaRegistryStub implements AutoCloseable {
  private static final String MEDIA_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** A registration the stub took, as it came. */
  public record Registration(String subject, String schemaType, String schema, String auth) {}

  private final HttpServer server;
  private final String userInfo;
  private final Map<String, Integer> idsBySchema = new ConcurrentHashMap<>();
  private final Map<Integer, ObjectNode> schemasById = new ConcurrentHashMap<>();
  private final List<Registration> registrations = new CopyOnWriteArrayList<>();
  private final AtomicInteger nextId = new AtomicInteger(100);
  private volatile int failWith;

  private SchemaRegistryStub(String userInfo) throws IOException {
    this.userInfo = userInfo;
    this.server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", this::handle);
    server.start();
  }

  /** A registry open to anyone. */
  public static SchemaRegistryStub start() throws IOException {
    return new SchemaRegistryStub(null);
  }

  /** A registry that wants {@code user:password} in HTTP Basic auth. */
  public static SchemaRegistryStub withUser(String userInfo) throws IOException {
    return new SchemaRegistryStub(userInfo);
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
  }

  /** Answers every later registration with this HTTP status (0: accept them again). */
  public void failWith(int status) {
    failWith = status;
  }

  public List<Registration> registrations() {
    return new ArrayList<>(registrations);
  }

  /** Registers a JSON schema as a producer's serializer would; returns its id. */
  public int register(String subject, String schema) {
    registrations.add(new Registration(subject, "JSON", schema, null));
    return idOf("JSON", schema);
  }

  /** The schema registered under this id, as {@code GET /schemas/ids/{id}} gives it. */
  public JsonNode schema(int id) {
    return schemasById.get(id);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String auth = exchange.getRequestHeaders().getFirst("Authorization");
      if (userInfo != null
          && !("Basic "
                  + Base64.getEncoder().encodeToString(userInfo.getBytes(StandardCharsets.UTF_8)))
              .equals(auth)) {
        error(exchange, 401, 401, "Unauthorized");
        return;
      }
      String path = exchange.getRequestURI().getPath();
      String method = exchange.getRequestMethod();
      if (method.equals("POST") && path.matches("/subjects/[^/]+/versions")) {
        register(exchange, path.split("/")[2], auth);
      } else if (method.equals("GET") && path.matches("/schemas/ids/\\d+")) {
        ObjectNode schema = schemasById.get(Integer.parseInt(path.split("/")[3]));
        if (schema == null) {
          error(exchange, 404, 40403, "Schema not found");
        } else {
          answer(exchange, 200, schema);
        }
      } else {
        error(exchange, 404, 404, "HTTP 404 Not Found");
      }
    }
  }

  private void register(HttpExchange exchange, String subject, String auth) throws IOException {
    if (!MEDIA_TYPE.equals(exchange.getRequestHeaders().getFirst("Content-Type"))) {
      error(exchange, 415, 415, "HTTP 415 Unsupported Media Type");
      return;
    }
    JsonNode body = JSON.readTree(exchange.getRequestBody());
    String type = body.path("schemaType").asText("AVRO");
    String schema = body.path("schema").asText(null);
    registrations.add(new Registration(subject, type, schema, auth));
    if (failWith != 0) {
      error(exchange, failWith, failWith * 100 + 9, "refused by the test");
      return;
    }
    if (schema == null || !type.equals("JSON")) {
      error(exchange, 422, 42201, "Invalid schema");
      return;
    }
    answer(exchange, 200, JSON.createObjectNode().put("id", idOf(type, schema)));
  }

  private int idOf(String type, String schema) {
    return idsBySchema.computeIfAbsent(
        type + schema,
        key -> {
          int fresh = nextId.getAndIncrement();
          ObjectNode stored = JSON.createObjectNode();
          stored.put("schemaType", type);
          stored.put("schema", schema);
          schemasById.put(fresh, stored);
          return fresh;
        });
  }

  private static void error(HttpExchange exchange, int status, int code, String message)
      throws IOException {
    answer(
        exchange, status, JSON.createObjectNode().put("error_code", code).put("message", message));
  }

  private static void answer(HttpExchange exchange, int status, JsonNode body) throws IOException {
    byte[] bytes = JSON.writeValueAsBytes(body);
    exchange.getResponseHeaders().set("Content-Type", MEDIA_TYPE);
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
