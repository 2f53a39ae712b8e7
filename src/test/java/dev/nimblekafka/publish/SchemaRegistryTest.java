package dev.nimblekafka.publish;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Schema;
import com.networknt.schema.SpecificationVersion;
import dev.nimblekafka.testkit.SchemaRegistryStub;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Registering the outcome schemas, against a registry that follows the documented REST API. */
@Timeout(20)
class SchemaRegistryTest {
  private final ObjectMapper json = new ObjectMapper();

  @Test
  void theOutcomeSchemasAreRegisteredAsJsonUnderTheTopicsValueSubjects() throws Exception {
    try (SchemaRegistryStub registry = SchemaRegistryStub.start()) {
      OutcomeFormat.SchemaIds ids =
          new SchemaRegistry(registry.url(), null, json).registerOutcomes("results", "failures");
      assertThat(registry.registrations())
          .extracting(SchemaRegistryStub.Registration::subject)
          .containsExactly("results-value", "failures-value");
      assertThat(registry.registrations())
          .allSatisfy(r -> assertThat(r.schemaType()).isEqualTo("JSON"));
      assertThat(json.readTree(registry.schema(ids.result()).get("schema").asText()).get("title"))
          .hasToString("\"Results topic record\"");
      assertThat(json.readTree(registry.schema(ids.failure()).get("schema").asText()).get("title"))
          .hasToString("\"Extraction failure\"");
      assertThat(
              new SchemaRegistry(registry.url(), null, json)
                  .registerOutcomes("results", "failures"))
          .as("registering again gives the same ids")
          .isEqualTo(ids);
    }
  }

  @Test
  void theRegisteredFailureSchemaResolvesTheRequestSchemaWithinItself() throws Exception {
    try (SchemaRegistryStub registry = SchemaRegistryStub.start()) {
      OutcomeFormat.SchemaIds ids =
          new SchemaRegistry(registry.url(), null, json).registerOutcomes("results", "failures");
      String text = registry.schema(ids.failure()).get("schema").asText();
      // no loader that knows the bundled files: only what the registry holds
      Schema schema =
          com.networknt.schema.SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
              .getSchema(text);
      String failure =
          "{\"request_id\":\"r\",\"stage\":\"submit\",\"error\":{\"code\":\"INVALID_REQUEST\","
              + "\"message\":\"m\",\"http_status\":400,\"details\":null},"
              + "\"attempts\":0,\"metadata\":null,\"failed_at\":\"2026-01-01T00:00:00Z\","
              + "\"request_key\":null,\"request\":%s}";
      assertThat(
              schema.validate(
                  json.readTree(failure.formatted("{\"extract\":{\"url\":\"https://a.io\"}}"))))
          .as("a request the request schema takes")
          .isEmpty();
      assertThat(schema.validate(json.readTree(failure.formatted("{\"extract\":{\"url\":7}}"))))
          .as("the request schema, embedded, is applied")
          .isNotEmpty();
    }
  }

  @Test
  void theRegisteredResultsSchemaTakesResultsAndCrawlPagesAndNothingElse() throws Exception {
    try (SchemaRegistryStub registry = SchemaRegistryStub.start()) {
      OutcomeFormat.SchemaIds ids =
          new SchemaRegistry(registry.url(), null, json).registerOutcomes("results", "failures");
      Schema schema =
          com.networknt.schema.SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12)
              .getSchema(registry.schema(ids.result()).get("schema").asText());
      String result =
          "{\"request_id\":\"r\",\"task_id\":\"t\",\"kind\":\"crawl\",\"state\":\"succeeded\","
              + "\"attempts\":1,\"submitted_at\":\"2026-01-01T00:00:00Z\","
              + "\"completed_at\":\"2026-01-01T00:00:01Z\",\"metadata\":null,\"result\":{}}";
      String page =
          "{\"request_id\":\"r\",\"kind\":\"crawl\",\"record\":\"page\",%s\"page_index\":0,"
              + "\"task_id\":\"p\",\"state\":\"succeeded\","
              + "\"completed_at\":\"2026-01-01T00:00:01Z\",\"metadata\":null,\"result\":{}}";
      assertThat(schema.validate(json.readTree(result))).as("a result").isEmpty();
      assertThat(schema.validate(json.readTree(page.formatted("\"crawl_id\":\"c\","))))
          .as("a page record")
          .isEmpty();
      assertThat(schema.validate(json.readTree(page.formatted(""))))
          .as("a page record without its crawl id")
          .isNotEmpty();
    }
  }

  @Test
  void basicAuthIsSentWithEveryCall() throws Exception {
    try (SchemaRegistryStub registry = SchemaRegistryStub.withUser("svc:s3cret")) {
      new SchemaRegistry(registry.url(), "svc:s3cret", json).registerOutcomes("r", "f");
      assertThat(registry.registrations().get(0).auth())
          .isEqualTo(
              "Basic "
                  + Base64.getEncoder()
                      .encodeToString("svc:s3cret".getBytes(StandardCharsets.UTF_8)));
    }
  }

  @Test
  void aRefusedRegistrationNamesTheSubjectAndTheAnswerButNotTheSecret() throws Exception {
    try (SchemaRegistryStub registry = SchemaRegistryStub.withUser("svc:s3cret")) {
      assertThatThrownBy(
              () ->
                  new SchemaRegistry(registry.url(), "svc:wrong", json).registerOutcomes("r", "f"))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("r-value")
          .hasMessageContaining("HTTP 401")
          .hasMessageNotContaining("wrong")
          .hasMessageNotContaining("svc");
      registry.failWith(409);
      assertThatThrownBy(
              () ->
                  new SchemaRegistry(registry.url(), "svc:s3cret", json).registerOutcomes("r", "f"))
          .hasMessageContaining("HTTP 409")
          .hasMessageContaining("refused by the test");
    }
  }

  @Test
  void anUnreachableRegistryIsNamed() {
    assertThatThrownBy(
            () ->
                new SchemaRegistry(java.net.URI.create("http://127.0.0.1:9"), null, json)
                    .registerOutcomes("r", "f"))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("http://127.0.0.1:9")
        .hasMessageContaining("r-value");
  }
}
