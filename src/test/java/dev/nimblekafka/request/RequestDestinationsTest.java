package dev.nimblekafka.request;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Where a request may have Nimble deliver (callback hosts, storage prefixes, object names), and the
 * tag prefix the worker keeps for itself.
 */
class RequestDestinationsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final AllowedDestinations ALLOWED =
      AllowedDestinations.of(
          List.of("hooks.example.com", "*.tenant.example"), List.of("s3://bucket/tenant-a/"));

  private final RequestParser open = new RequestParser(JSON);
  private final RequestParser restricted = new RequestParser(JSON, ALLOWED);

  @Test
  void aCallbackToAHostNotAllowedFailsValidationNamingTheField() {
    RequestError error =
        error(restricted, extract(",\"callback_url\":\"https://evil.example.net/x\""));

    assertThat(error.stage()).isEqualTo("validate");
    assertThat(error.code()).isEqualTo("INVALID_FIELD");
    assertThat(error.field()).isEqualTo("extract.callback_url");
    assertThat(error.message())
        .contains("extract.callback_url")
        .contains("evil.example.net")
        .contains("ALLOWED_CALLBACK_HOSTS");
    assertThat(error.limit()).isEqualTo(List.of("hooks.example.com", "*.tenant.example"));
  }

  @Test
  void aCallbackInAgentParamsToAHostNotAllowedFailsValidation() {
    RequestError error = error(restricted, agent("\"callback_url\":\"http://evil.example.net/x\""));

    assertThat(error.field()).isEqualTo("agent.params.callback_url");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://hooks.example.com/n",
        "https://HOOKS.Example.com:8443/n?x=1",
        "https://hooks.example.com./n",
        "https://a.tenant.example/n",
        "https://b.a.tenant.example#frag"
      })
  void aCallbackToAnAllowedHostPasses(String url) {
    assertThat(restricted.parse("t", 0, 1, bytes(extract(",\"callback_url\":\"" + url + "\""))))
        .isInstanceOf(ParseResult.Valid.class);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "https://hooks.example.com@evil.example.net/n",
        "https://hooks.example.com\\\\@evil.example.net/n",
        "https://tenant.example/n",
        "https://eviltenant.example/n",
        "https://hooks.example.com.evil.net/n",
        "https://[::1]/n",
        "https://hooks%2eexample.com/n"
      })
  void aCallbackDisguisingAnotherHostIsRefused(String url) {
    assertThat(error(restricted, extract(",\"callback_url\":\"" + url + "\"")).field())
        .isEqualTo("extract.callback_url");
  }

  @Test
  void aStorageUrlOutsideTheAllowedPrefixesFailsValidationNamingTheField() {
    RequestError error =
        error(restricted, extract(",\"storage_type\":\"s3\",\"storage_url\":\"s3://other/\""));

    assertThat(error.code()).isEqualTo("INVALID_FIELD");
    assertThat(error.field()).isEqualTo("extract.storage_url");
    assertThat(error.message()).contains("ALLOWED_STORAGE_PREFIXES");
    assertThat(error.limit()).isEqualTo(List.of("s3://bucket/tenant-a/"));
  }

  @Test
  void aStorageUrlClimbingOutOfItsPrefixIsRefused() {
    RequestError error =
        error(
            restricted,
            agent(
                "\"storage_type\":\"s3\","
                    + "\"storage_url\":\"s3://bucket/tenant-a/../tenant-b/\""));

    assertThat(error.field()).isEqualTo("agent.params.storage_url");
  }

  @Test
  void aStorageUrlUnderAnAllowedPrefixPasses() {
    assertThat(
            restricted.parse(
                "t",
                0,
                1,
                bytes(
                    extract(
                        ",\"storage_type\":\"s3\",\"storage_url\":\"s3://bucket/tenant-a/x/\""))))
        .isInstanceOf(ParseResult.Valid.class);
  }

  @Test
  void withoutAllowListsAnyDestinationPasses() {
    assertThat(
            open.parse(
                "t",
                0,
                1,
                bytes(
                    extract(
                        ",\"callback_url\":\"https://anywhere.example/\","
                            + "\"storage_type\":\"gs\",\"storage_url\":\"gs://any/\""))))
        .isInstanceOf(ParseResult.Valid.class);
  }

  @ParameterizedTest
  @ValueSource(strings = {"../other-tenant/x", "a/../../b", "..", "/absolute/key", "a\\\\..\\\\b"})
  void anObjectNameThatLeavesTheStorageUrlIsRefused(String name) {
    RequestError error =
        error(
            open,
            extract(
                ",\"storage_type\":\"s3\",\"storage_url\":\"s3://b/p/\","
                    + "\"storage_object_name\":\""
                    + name
                    + "\""));

    assertThat(error.code()).isEqualTo("INVALID_FIELD");
    assertThat(error.field()).isEqualTo("extract.storage_object_name");
    assertThat(error.message()).contains("extract.storage_object_name");
  }

  @Test
  void anObjectNameWithDotsInsideASegmentPasses() {
    assertThat(
            open.parse(
                "t",
                0,
                1,
                bytes(
                    extract(
                        ",\"storage_type\":\"s3\",\"storage_url\":\"s3://b/p/\","
                            + "\"storage_object_name\":\"day..7/run.v2\""))))
        .isInstanceOf(ParseResult.Valid.class);
  }

  @Test
  void anExtractTagWithTheWorkersPrefixIsRefusedNamingTheField() {
    RequestError error = error(open, extract(",\"tag\":\"" + ReservedTag.PREFIX + "0123abcd\""));

    assertThat(error.code()).isEqualTo("INVALID_FIELD");
    assertThat(error.field()).isEqualTo("extract.tag");
    assertThat(error.message()).contains("extract.tag").contains(ReservedTag.PREFIX);
  }

  @Test
  void anAgentTagWithTheWorkersPrefixIsRefusedNamingTheField() {
    RequestError error = error(open, agent("\"tag\":\"" + ReservedTag.PREFIX + "x\""));

    assertThat(error.field()).isEqualTo("agent.params.tag");
  }

  @Test
  void aTagOfTheRequestsOwnPasses() {
    assertThat(open.parse("t", 0, 1, bytes(extract(",\"tag\":\"campaign-7\""))))
        .isInstanceOf(ParseResult.Valid.class);
    assertThat(open.parse("t", 0, 1, bytes(agent("\"tag\":\"campaign-7\""))))
        .isInstanceOf(ParseResult.Valid.class);
  }

  private static RequestError error(RequestParser parser, String request) {
    ParseResult result = parser.parse("t", 0, 1, bytes(request));
    assertThat(result).as(request).isInstanceOf(ParseResult.Invalid.class);
    return ((ParseResult.Invalid) result).error();
  }

  private static String extract(String more) {
    return "{\"extract\":{\"url\":\"https://www.example.com/p\"" + more + "}}";
  }

  /** An agent request with {@code params} holding {@code more} besides the query. */
  private static String agent(String more) {
    return "{\"agent\":{\"agent\":\"google_search\",\"params\":{\"query\":\"q\"," + more + "}}}";
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
