package dev.nimblekafka.wire;

import java.util.Set;

/**
 * The request limits Nimble documents for extraction (Async Extract guide, "Request limits") and
 * the value sets of its OpenAPI. Both the worker's validation and the simulator's use these.
 */
public final class NimbleLimits {
  public static final int MAX_URL_LENGTH = 2048;
  public static final int MAX_COOKIES = 100;
  public static final int MAX_HEADERS = 50;
  public static final long MAX_TIMEOUT_MS = 180_000;
  public static final int MAX_BATCH_INPUTS = 1000;

  /** Output formats of {@code POST /v1/extract}; {@code text} appears in the async guide only. */
  public static final Set<String> EXTRACT_FORMATS =
      Set.of("html", "markdown", "text", "screenshot", "headers", "links");

  /** Output formats of the agent endpoints (the OpenAPI list plus the SDK's screenshot). */
  public static final Set<String> AGENT_FORMATS =
      Set.of("html", "markdown", "headers", "links", "screenshot");

  public static final Set<String> STORAGE_TYPES = Set.of("s3", "gs");

  private NimbleLimits() {}
}
