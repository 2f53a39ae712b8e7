package dev.nimblekafka.contract;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.nimblekafka.request.ParseResult;
import dev.nimblekafka.request.RequestParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The request schema and the worker agree on SERP requests, as on the others. */
class ContractSerpRulesTest {
  private final ObjectMapper json = new ObjectMapper();
  private final RequestParser parser = new RequestParser(json);

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("requests")
  void theSchemaAcceptsASerpRequestExactlyWhenTheWorkerDoes(
      String what, String request, boolean valid) throws IOException {
    boolean worker =
        parser.parse("nimble.requests", 0, 7, request.getBytes(StandardCharsets.UTF_8))
            instanceof ParseResult.Valid;
    assertThat(worker).as("the worker's verdict on %s", request).isEqualTo(valid);
    assertThat(Contracts.errors("request", json.readTree(request)))
        .as("the schema's verdict on %s", request)
        .matches(errors -> errors.isEmpty() == valid);
  }

  @org.junit.jupiter.api.Test
  void everySerpExampleIsValidForTheWorkerAndTheSchema() throws IOException {
    for (String line :
        java.nio.file.Files.readAllLines(java.nio.file.Path.of("examples/serp.jsonl"))) {
      assertThat(
              parser.parse("nimble.requests", 0, 7, line.getBytes(StandardCharsets.UTF_8))
                  instanceof ParseResult.Valid)
          .as(line)
          .isTrue();
      assertThat(Contracts.errors("request", json.readTree(line))).as(line).isEmpty();
    }
  }

  static Stream<Arguments> requests() {
    return Stream.of(
        ok("the smallest serp", serp("google_search", ",\"query\":\"coffee\"")),
        ok("every engine that searches text", serp("yandex_search", ",\"query\":\"q\"")),
        ok("google_sge, which only the SDK lists", serp("google_sge", ",\"query\":\"q\"")),
        ok("a maps place by its id", serp("google_maps_place", ",\"place_id\":\"ChIJ\"")),
        ok("maps reviews by id", serp("google_maps_reviews", ",\"place_id\":\"ChIJ\"")),
        ok(
            "the documented options",
            serp(
                "google_search",
                ",\"query\":\"q\",\"country\":\"US\",\"locale\":\"en\",\"domain\":\"co.uk\","
                    + "\"page\":2,\"num_results\":100,\"device\":\"desktop\",\"parse\":true,"
                    + "\"render\":false,\"resolve_url\":true,\"show_hidden_results\":true")),
        ok("one result", serp("bing_search", ",\"query\":\"q\",\"num_results\":1")),
        ok(
            "a whole number written 10.0",
            serp("bing_search", ",\"query\":\"q\",\"num_results\":10.0")),
        ok("unknown fields", serp("google_news", ",\"query\":\"q\",\"brand_new\":{\"a\":1}")),
        ok(
            "s3 delivery and a callback",
            serp(
                "google_search",
                ",\"query\":\"q\",\"storage_type\":\"s3\",\"storage_url\":\"s3://b/s/\","
                    + "\"callback_url\":\"https://hooks.example/n\"")),
        ok("a tag of its own", serp("google_search", ",\"query\":\"q\",\"tag\":\"mine\"")),
        ok("serp null beside an extract", "{\"serp\":null,\"extract\":{\"url\":\"https://a.io\"}}"),
        bad("serp not an object", "{\"serp\":\"coffee\"}"),
        bad("no engine", "{\"serp\":{\"query\":\"q\"}}"),
        bad("an unknown engine", serp("altavista", ",\"query\":\"q\"")),
        bad("an engine as a number", "{\"serp\":{\"search_engine\":7,\"query\":\"q\"}}"),
        bad("no query", serp("google_search", "")),
        bad("a blank query", serp("google_images", ",\"query\":\" \\t\"")),
        bad("a number for a query", serp("google_search", ",\"query\":42")),
        bad("a maps place without its id", serp("google_maps_place", ",\"query\":\"cafe\"")),
        bad("a blank place id", serp("google_maps_reviews", ",\"place_id\":\"\"")),
        bad("no results", serp("google_search", ",\"query\":\"q\",\"num_results\":0")),
        bad("101 results", serp("google_search", ",\"query\":\"q\",\"num_results\":101")),
        bad("a fraction of results", serp("google_search", ",\"query\":\"q\",\"num_results\":1.5")),
        bad("results as a string", serp("google_search", ",\"query\":\"q\",\"num_results\":\"9\"")),
        bad("an unknown device", serp("google_search", ",\"query\":\"q\",\"device\":\"tablet\"")),
        bad("parse as a string", serp("google_search", ",\"query\":\"q\",\"parse\":\"true\"")),
        bad(
            "storage_type alone",
            serp("google_search", ",\"query\":\"q\",\"storage_type\":\"s3\"")),
        bad(
            "an ftp callback",
            serp("google_search", ",\"query\":\"q\",\"callback_url\":\"ftp://h\"")),
        bad(
            "a tag with the worker's prefix",
            serp("google_search", ",\"query\":\"q\",\"tag\":\"nkw-1\"")),
        bad(
            "both serp and agent",
            "{\"serp\":{\"search_engine\":\"google_search\",\"query\":\"q\"},"
                + "\"agent\":{\"agent\":\"a\",\"params\":{\"q\":1}}}"));
  }

  private static String serp(String engine, String more) {
    return "{\"serp\":{\"search_engine\":\"" + engine + "\"" + more + "}}";
  }

  private static Arguments ok(String what, String request) {
    return Arguments.of(what, request, true);
  }

  private static Arguments bad(String what, String request) {
    return Arguments.of(what, request, false);
  }
}
