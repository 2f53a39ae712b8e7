package dev.nimblekafka.nimble;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.http.HttpHeaders;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ErrorClassifierTest {
  private static final ApiKey KEY = ApiKey.of("sk-secret-value");
  private final ErrorClassifier classifier = new ErrorClassifier(new ObjectMapper(), KEY);

  private static HttpHeaders headers(Map<String, List<String>> values) {
    return HttpHeaders.of(values, (a, b) -> true);
  }

  private NimbleException classify(int status, String body) {
    return classifier.classify(status, headers(Map.of()), body.getBytes(StandardCharsets.UTF_8));
  }

  @Test
  void eachStatusFallsInOneClass() {
    NimbleException invalid =
        classify(
            400,
            "{\"status\":\"failed\",\"msg\":\"Invalid request parameters\",\"error\":"
                + "\"PARAMETERS_FAILED_JSON_SCHEMA_VALIDATION_ERROR\",\"details\":"
                + "{\"schema_validation_errors\":[{\"instancePath\":\"/url\"}]}}");
    assertThat(invalid).isInstanceOf(NimbleException.Rejected.class);
    assertThat(((NimbleException.Rejected) invalid).details().toString()).contains("/url");
    assertThat(invalid.getMessage()).isEqualTo("HTTP 400: Invalid request parameters");
    assertThat(classify(422, "{}")).isInstanceOf(NimbleException.Rejected.class);
    assertThat(classify(404, "{\"status\":\"failed\",\"error\":\"Task not found\"}").getMessage())
        .isEqualTo("HTTP 404: Task not found");
    assertThat(classify(401, "")).isInstanceOf(NimbleException.AccessDenied.class);
    NimbleException budget = classify(402, "{\"status\":\"failed\",\"msg\":\"no budget\"}");
    assertThat(((NimbleException.AccessDenied) budget).isPayment()).isTrue();
    assertThat(budget.getMessage()).contains("no budget");
    assertThat(classify(429, "{\"status\":\"failed\",\"msg\":\"Rate limit exceeded\"}"))
        .isInstanceOf(NimbleException.Unavailable.class);
    assertThat(classify(500, "{\"success\":\"false\",\"task_id\":\"x\",\"message\":\"m\"}"))
        .isInstanceOf(NimbleException.Unavailable.class);
    assertThat(classify(503, "<html>busy</html>").getMessage()).contains("busy");
  }

  @Test
  void retryAfterComesFromHeadersOrTheBody() {
    assertThat(ErrorClassifier.retryAfter(headers(Map.of("retry-after", List.of("3"))), null))
        .contains(Duration.ofSeconds(3));
    assertThat(ErrorClassifier.retryAfter(headers(Map.of("retry-after-ms", List.of("250"))), null))
        .contains(Duration.ofMillis(250));
    NimbleException storm =
        classify(
            429,
            "{\"error\":{\"code\":\"RATE_LIMIT_EXCEEDED\",\"message\":\"Rate limit exceeded."
                + " Current limit: 83 QPS\",\"retry_after\":2}}");
    assertThat(((NimbleException.Unavailable) storm).retryAfter()).contains(Duration.ofSeconds(2));
    NimbleException older =
        classify(429, "{\"status\":\"error\",\"error\":{\"retry_after\":1000}}");
    assertThat(((NimbleException.Unavailable) older).retryAfter())
        .as("seconds, as the header; then held to the longest backoff")
        .contains(ResilienceSettings.defaults().backoffMax());
  }

  @Test
  void transportFailuresAreRetriableAndTheKeyIsScrubbed() {
    NimbleException timeout = classifier.transport(new HttpTimeoutException("timed out"));
    assertThat(timeout.code()).isEqualTo("TIMEOUT");
    NimbleException io = classifier.transport(new IOException("refused for sk-secret-value"));
    assertThat(io).isInstanceOf(NimbleException.Unavailable.class);
    assertThat(io.getMessage()).doesNotContain("sk-secret-value").contains("****");
    assertThat(classify(400, "{\"msg\":\"bad key sk-secret-value\"}").getMessage())
        .doesNotContain("sk-secret-value");
    assertThat(KEY.toString()).doesNotContain("sk-secret-value");
  }

  @Test
  void everyStateVocabularyNormalises() {
    for (String s : List.of("pending", "queued")) {
      assertThat(TaskState.fromWire(s)).isEqualTo(TaskState.PENDING);
    }
    for (String s : List.of("processing", "running", "in_progress", "uploading", "brand-new")) {
      assertThat(TaskState.fromWire(s)).isEqualTo(TaskState.RUNNING);
    }
    for (String s : List.of("completed", "success", "SUCCESS")) {
      assertThat(TaskState.fromWire(s)).isEqualTo(TaskState.SUCCEEDED);
    }
    for (String s : List.of("failed", "error")) {
      assertThat(TaskState.fromWire(s)).isEqualTo(TaskState.FAILED);
    }
    assertThat(TaskState.fromWire(null)).isEqualTo(TaskState.RUNNING);
  }
}
