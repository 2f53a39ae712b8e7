package dev.nimblekafka.contract;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaLocation;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import com.networknt.schema.path.PathType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.List;

/**
 * The message contracts in {@code src/main/resources/schemas}, read from the classpath the way a
 * consumer of the jar would: their {@code $id}s resolve to the bundled files, never to the network,
 * and {@code format} (date-time) is asserted, not just annotated. Public for the worker's
 * end-to-end contract test.
 */
public final class Contracts {
  public static final String BASE = "https://nimblekafka.dev/schemas/";

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaRegistry REGISTRY =
      SchemaRegistry.withDefaultDialect(
          SpecificationVersion.DRAFT_2020_12,
          builder ->
              builder
                  .schemaIdResolvers(ids -> ids.mapPrefix(BASE, "classpath:schemas/"))
                  .schemaRegistryConfig(
                      SchemaRegistryConfig.builder()
                          .formatAssertionsEnabled(true)
                          .pathType(PathType.JSON_POINTER)
                          .build()));

  private Contracts() {}

  public static Schema schema(String name) {
    return REGISTRY.getSchema(SchemaLocation.of(BASE + name + ".schema.json"));
  }

  /** The schema-validation errors of {@code value} against contract {@code name}: none = valid. */
  public static List<Error> errors(String name, JsonNode value) {
    return schema(name).validate(value);
  }

  /** The schema document itself, as JSON. */
  public static JsonNode document(String name) {
    String path = "/schemas/" + name + ".schema.json";
    try (InputStream in = Contracts.class.getResourceAsStream(path)) {
      if (in == null) {
        throw new IllegalStateException(path + " is not on the classpath");
      }
      return JSON.readTree(in);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where each error is, e.g. {@code /extract/url}, for assertions and failure messages. */
  public static List<String> locations(List<Error> errors) {
    return errors.stream().map(e -> e.getInstanceLocation().toString()).toList();
  }
}
