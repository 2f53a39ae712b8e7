package dev.nimblekafka.nimble;

import dev.nimblekafka.wire.ApiVersion;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Nimble, and how much of its answers to accept.
 *
 * @param baseUrl e.g. {@code https://sdk.nimbleway.com}; paths are appended to it
 * @param apiKey the Bearer key
 * @param connectTimeout TCP/TLS connect limit
 * @param requestTimeout limit for one whole call, response body included
 * @param version the API version spoken: its paths and its name for agents (templates in v2)
 * @param maxAnswerBytes the largest JSON answer read whole (a task, a create, an error body); a
 *     create answer quotes the request, so this must exceed the largest request body
 * @param maxPageBytes the largest answer read as a stream (a page of tasks, a batch), of which only
 *     one task at a time is held, and never more than {@code maxAnswerBytes} of it
 * @param maxRetryAfter the longest wait a retry-after hint of Nimble's is honoured for
 */
public record NimbleClientSettings(
    URI baseUrl,
    ApiKey apiKey,
    Duration connectTimeout,
    Duration requestTimeout,
    ApiVersion version,
    long maxAnswerBytes,
    long maxPageBytes,
    Duration maxRetryAfter) {

  public static final URI DEFAULT_BASE_URL = URI.create("https://sdk.nimbleway.com");
  public static final long DEFAULT_MAX_ANSWER_BYTES = 8L * 1024 * 1024;
  public static final long DEFAULT_MAX_PAGE_BYTES = 256L * 1024 * 1024;

  public NimbleClientSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(maxRetryAfter, "maxRetryAfter");
    String scheme = baseUrl.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException(
          "NIMBLE_BASE_URL must be an http(s) URL but was " + baseUrl);
    }
    if (maxAnswerBytes < 1) {
      throw new IllegalArgumentException(
          "NIMBLE_MAX_ANSWER_BYTES must be >= 1 but was " + maxAnswerBytes);
    }
    if (maxPageBytes < maxAnswerBytes) {
      throw new IllegalArgumentException(
          "NIMBLE_MAX_PAGE_BYTES must be >= NIMBLE_MAX_ANSWER_BYTES ("
              + maxAnswerBytes
              + ") but was "
              + maxPageBytes);
    }
    if (maxRetryAfter.isNegative()) {
      throw new IllegalArgumentException(
          "NIMBLE_BACKOFF_MAX must not be negative but was " + maxRetryAfter);
    }
  }

  /** Settings with the default limits on answers and waits. */
  public NimbleClientSettings(
      URI baseUrl,
      ApiKey apiKey,
      Duration connectTimeout,
      Duration requestTimeout,
      ApiVersion version) {
    this(
        baseUrl,
        apiKey,
        connectTimeout,
        requestTimeout,
        version,
        DEFAULT_MAX_ANSWER_BYTES,
        DEFAULT_MAX_PAGE_BYTES,
        ResilienceSettings.defaults().backoffMax());
  }

  /** Settings for API v1, the default. */
  public NimbleClientSettings(
      URI baseUrl, ApiKey apiKey, Duration connectTimeout, Duration requestTimeout) {
    this(baseUrl, apiKey, connectTimeout, requestTimeout, ApiVersion.V1);
  }

  public static NimbleClientSettings of(URI baseUrl, ApiKey apiKey) {
    return of(baseUrl, apiKey, ApiVersion.V1);
  }

  public static NimbleClientSettings of(URI baseUrl, ApiKey apiKey, ApiVersion version) {
    return new NimbleClientSettings(
        baseUrl, apiKey, Duration.ofSeconds(10), Duration.ofSeconds(60), version);
  }

  /** These settings with other limits on answers and on retry-after hints. */
  public NimbleClientSettings withLimits(
      long maxAnswerBytes, long maxPageBytes, Duration maxRetryAfter) {
    return new NimbleClientSettings(
        baseUrl,
        apiKey,
        connectTimeout,
        requestTimeout,
        version,
        maxAnswerBytes,
        maxPageBytes,
        maxRetryAfter);
  }

  /** The base URL as it may be shown (logs, the effective configuration): without user info. */
  public String shownBaseUrl() {
    if (baseUrl.getRawUserInfo() == null) {
      return baseUrl.toString();
    }
    try {
      return new URI(
              baseUrl.getScheme(),
              null,
              baseUrl.getHost(),
              baseUrl.getPort(),
              baseUrl.getPath(),
              baseUrl.getQuery(),
              baseUrl.getFragment())
          .toString();
    } catch (URISyntaxException e) {
      return baseUrl.getScheme() + "://" + baseUrl.getHost();
    }
  }

  @Override
  public String toString() {
    return "NimbleClientSettings[baseUrl="
        + shownBaseUrl()
        + ", apiKey="
        + apiKey
        + ", connectTimeout="
        + connectTimeout
        + ", requestTimeout="
        + requestTimeout
        + ", version="
        + version
        + "]";
  }

  URI resolve(String path) {
    String base = baseUrl.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + path);
  }
}
