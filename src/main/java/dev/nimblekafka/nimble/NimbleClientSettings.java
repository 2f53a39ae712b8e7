package dev.nimblekafka.nimble;

import dev.nimblekafka.wire.ApiVersion;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Nimble.
 *
 * @param baseUrl e.g. {@code https://sdk.nimbleway.com}; paths are appended to it
 * @param apiKey the Bearer key
 * @param connectTimeout TCP/TLS connect limit
 * @param requestTimeout limit for one whole call, response body included
 * @param version the API version spoken: its paths and its name for agents (templates in v2)
 */
public record NimbleClientSettings(
    URI baseUrl,
    ApiKey apiKey,
    Duration connectTimeout,
    Duration requestTimeout,
    ApiVersion version) {

  public static final URI DEFAULT_BASE_URL = URI.create("https://sdk.nimbleway.com");

  public NimbleClientSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    Objects.requireNonNull(version, "version");
    String scheme = baseUrl.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException(
          "NIMBLE_BASE_URL must be an http(s) URL but was " + baseUrl);
    }
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
