package dev.nimblekafka.config;

import java.net.URI;

/**
 * How outcomes are written beyond their JSON.
 *
 * @param schemaRegistryUrl the Schema Registry to register the outcome schemas at, whose ids then
 *     frame every result and failure; null writes plain JSON
 * @param schemaRegistryUserInfo {@code user:password} for the registry's HTTP Basic auth, or null
 *     (never printed)
 * @param cloudEvents whether outcomes carry CloudEvents headers (binary content mode)
 * @param cloudEventsSource the events' {@code source}
 */
public record OutcomeConfig(
    URI schemaRegistryUrl,
    String schemaRegistryUserInfo,
    boolean cloudEvents,
    String cloudEventsSource) {

  @Override
  public String toString() {
    return "OutcomeConfig[schemaRegistryUrl="
        + schemaRegistryUrl
        + ", schemaRegistryUserInfo="
        + (schemaRegistryUserInfo == null ? null : "****")
        + ", cloudEvents="
        + (cloudEvents ? "binary" : "off")
        + ", cloudEventsSource="
        + cloudEventsSource
        + "]";
  }
}
