package dev.nimblekafka.publish;

/**
 * How outcomes are written beyond their JSON, each part optional: framed with the schema ids a
 * Schema Registry gave their schemas, and dressed as CloudEvents.
 *
 * @param schemaIds the registered ids to frame values with, or null to write plain JSON
 * @param cloudEvents the CloudEvents headers to add, or null for none
 */
public record OutcomeFormat(SchemaIds schemaIds, CloudEvents cloudEvents) {
  /** Plain JSON values, no event headers. */
  public static final OutcomeFormat PLAIN = new OutcomeFormat(null, null);

  /** The ids of the result and the failure schema at the registry. */
  public record SchemaIds(int result, int failure) {}

  /** Bytes an outcome record may take beyond its JSON and the request's headers. */
  int extraBytes() {
    return (schemaIds == null ? 0 : 5) + (cloudEvents == null ? 0 : CloudEvents.MAX_BYTES);
  }
}
