package dev.nimblekafka.nimble;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * How to reach Nimble.
 *
 * @param baseUrl e.g. {@code https://sdk.nimbleway.com}; paths are appended to it
 * @param apiKey the Bearer key
 * @param connectTimeout TCP/TLS connect limit
 * @param requestTimeout limit for one whole call, response body included
 */
public record NimbleClientSettings(
    URI baseUrl, ApiKey apiKey, Duration connectTimeout, Duration requestTimeout) {

  public static final URI DEFAULT_BASE_URL = URI.create("https://sdk.nimbleway.com");

  public NimbleClientSettings {
    Objects.requireNonNull(baseUrl, "baseUrl");
    Objects.requireNonNull(apiKey, "apiKey");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
    String scheme = baseUrl.getScheme();
    if (!"http".equals(scheme) && !"https".equals(scheme)) {
      throw new IllegalArgumentException(
          "NIMBLE_BASE_URL must be an http(s) URL but was " + baseUrl);
    }
  }

  public static NimbleClientSettings of(URI baseUrl, ApiKey apiKey) {
    return new NimbleClientSettings(
        baseUrl, apiKey, Duration.ofSeconds(10), Duration.ofSeconds(60));
  }

  URI resolve(String path) {
    String base = baseUrl.toString();
    if (base.endsWith("/")) {
      base = base.substring(0, base.length() - 1);
    }
    return URI.create(base + path);
  }
}
