package dev.nimblekafka.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

/** A request's tenant and priority: its own fields, else its headers, else the defaults. */
class PlacementTest {
  private final RequestParser parser =
      new RequestParser(new ObjectMapper(), AllowedDestinations.anything(), "x-team");

  @Test
  void aRequestThatSaysNothingIsTheDefaultTenantAtNormalPriority() {
    assertThat(placement("{\"extract\":{\"url\":\"https://a.io\"}}", RequestHeaders.NONE))
        .isEqualTo(new Placement("default", Priority.NORMAL));
  }

  @Test
  void theRequestsOwnFieldsWinOverItsHeaders() {
    Placement placement =
        placement(
            "{\"tenant\":\"pricing\",\"priority\":\"low\",\"extract\":{\"url\":\"https://a.io\"}}",
            headers("x-team", "catalogue", "priority", "high"));
    assertThat(placement).isEqualTo(new Placement("pricing", Priority.LOW));
  }

  @Test
  void theHeadersSayWhenTheRequestDoesNot() {
    Placement placement =
        placement(
            "{\"extract\":{\"url\":\"https://a.io\"}}",
            headers("x-team", "catalogue", "priority", "high"));
    assertThat(placement).isEqualTo(new Placement("catalogue", Priority.HIGH));
  }

  @Test
  void anInvalidTenantFailsValidationNamingTheFieldAndTheRule() {
    RequestError error =
        invalid(
            "{\"tenant\":\"team a/b\",\"extract\":{\"url\":\"https://a.io\"}}",
            RequestHeaders.NONE);
    assertThat(error.stage()).isEqualTo("validate");
    assertThat(error.field()).isEqualTo("tenant");
    assertThat(error.limit()).isEqualTo(64);
    assertThat(error.message()).contains("1 to 64 characters of A-Za-z0-9._-");
  }

  @Test
  void aTenantOfSixtyFiveCharactersIsRefused() {
    String json = "{\"tenant\":\"" + "t".repeat(65) + "\",\"extract\":{\"url\":\"https://a.io\"}}";
    assertThat(invalid(json, RequestHeaders.NONE).field()).isEqualTo("tenant");
  }

  @Test
  void anUnknownPriorityFailsValidation() {
    RequestError error =
        invalid(
            "{\"priority\":\"urgent\",\"extract\":{\"url\":\"https://a.io\"}}",
            RequestHeaders.NONE);
    assertThat(error.field()).isEqualTo("priority");
    assertThat(error.message()).contains("high, normal, low");
  }

  @Test
  void anInvalidTenantHeaderFailsValidationNamingTheHeader() {
    RequestError error =
        invalid("{\"extract\":{\"url\":\"https://a.io\"}}", headers("x-team", "", "a", "b"));
    assertThat(error.field()).isEqualTo("header x-team");
  }

  @Test
  void aRecordedRequestKeepsItsPlacement() {
    String json = "{\"extract\":{\"url\":\"https://a.io\"}}";
    RequestHeaders headers = headers("x-team", "catalogue", "priority", "low");
    ExtractionRequest recorded =
        parser.recorded("r1", Kind.EXTRACT, json.getBytes(StandardCharsets.UTF_8), headers);
    assertThat(recorded.placement()).isEqualTo(new Placement("catalogue", Priority.LOW));
  }

  private Placement placement(String json, RequestHeaders headers) {
    ParseResult result = parse(json, headers);
    assertThat(result).isInstanceOf(ParseResult.Valid.class);
    return ((ParseResult.Valid) result).request().placement();
  }

  private RequestError invalid(String json, RequestHeaders headers) {
    ParseResult result = parse(json, headers);
    assertThat(result).isInstanceOf(ParseResult.Invalid.class);
    return ((ParseResult.Invalid) result).error();
  }

  private ParseResult parse(String json, RequestHeaders headers) {
    return parser.parse("requests", 0, 1, json.getBytes(StandardCharsets.UTF_8), headers);
  }

  private static RequestHeaders headers(String... pairs) {
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return RequestHeaders.of(headers);
  }
}
