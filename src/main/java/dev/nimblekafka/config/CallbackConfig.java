package dev.nimblekafka.config;

import java.net.URI;
import java.time.Duration;

/**
 * Push completion through Nimble's {@code callback_url}.
 *
 * @param baseUrl the worker pods' externally reachable base URL; null turns callbacks off
 * @param secret HMAC key of the callback tokens (never printed)
 * @param safetyInterval status-check interval of tasks that will call back (the safety net)
 * @param maxBodyBytes largest callback body accepted
 */
public record CallbackConfig(
    URI baseUrl, String secret, Duration safetyInterval, int maxBodyBytes) {

  public boolean enabled() {
    return baseUrl != null;
  }

  @Override
  public String toString() {
    return "CallbackConfig[baseUrl="
        + baseUrl
        + ", safetyInterval="
        + safetyInterval
        + ", maxBodyBytes="
        + maxBodyBytes
        + "]";
  }
}
