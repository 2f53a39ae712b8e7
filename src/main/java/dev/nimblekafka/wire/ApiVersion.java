package dev.nimblekafka.wire;

import java.util.Locale;

/**
 * The versions of Nimble's API this project speaks, and everything that differs between them: the
 * paths (client and simulator) and the name of the field that names a prebuilt extractor. v1 calls
 * them agents ({@code agent}, {@code /v1/agents/...}); v2 calls them extract templates ({@code
 * template}, {@code /v2/extract/templates/...}). Bodies and answers are otherwise the same. v2's
 * {@code /v2/agents/...} is a different product (web search agents) and is never used here.
 */
public enum ApiVersion {
  V1("v1", "agent", "/v1/agents"),
  V2("v2", "template", "/v2/extract/templates");

  private final String name;
  private final String templateField;
  private final String prefix;
  private final String templates;

  ApiVersion(String name, String templateField, String templates) {
    this.name = name;
    this.templateField = templateField;
    this.prefix = "/" + name;
    this.templates = templates;
  }

  /** {@code v1} or {@code v2}, as configured. */
  public String wire() {
    return name;
  }

  /** The version named {@code v1} or {@code v2} (any case); throws for anything else. */
  public static ApiVersion fromWire(String text) {
    for (ApiVersion version : values()) {
      if (version.name.equals(text.trim().toLowerCase(Locale.ROOT))) {
        return version;
      }
    }
    throw new IllegalArgumentException("must be v1 or v2 but was " + text);
  }

  /**
   * The body field (and {@code shared_inputs} field of a batch) naming the agent or template:
   * {@code agent} in v1, {@code template} in v2.
   */
  public String templateField() {
    return templateField;
  }

  /** {@code POST}: synchronous extract. */
  public String extract() {
    return prefix + "/extract";
  }

  public String extractAsync() {
    return prefix + "/extract/async";
  }

  public String extractBatch() {
    return prefix + "/extract/batch";
  }

  /** {@code POST /v1/serp/async} or {@code /v2/serp/async}: a search engine results page. */
  public String serpAsync() {
    return prefix + "/serp/async";
  }

  /** {@code POST /v1/serp/batch} or {@code /v2/serp/batch}. */
  public String serpBatch() {
    return prefix + "/serp/batch";
  }

  /** {@code POST}: a synchronous agent (v1) or template (v2) run. */
  public String templateRun() {
    return templates + "/run";
  }

  /** {@code POST /v1/agents/async} or {@code /v2/extract/templates/async}. */
  public String templateAsync() {
    return templates + "/async";
  }

  /** {@code POST /v1/agents/batch} or {@code /v2/extract/templates/batch}. */
  public String templateBatch() {
    return templates + "/batch";
  }

  /** {@code GET}: the agents or templates. */
  public String templates() {
    return templates;
  }

  /** {@code GET}: one agent or template by name. */
  public String template(String name) {
    return templates + "/" + name;
  }

  public String tasks() {
    return prefix + "/tasks";
  }

  /** {@code POST} a crawl; {@code GET} the account's crawls. */
  public String crawls() {
    return prefix + "/crawl";
  }

  /** {@code GET} a crawl with its page tasks; {@code DELETE} it to cancel it. */
  public String crawl(String crawlId) {
    return crawls() + "/" + crawlId;
  }

  public String task(String taskId) {
    return tasks() + "/" + taskId;
  }

  public String taskResults(String taskId) {
    return task(taskId) + "/results";
  }

  public String batches() {
    return prefix + "/batches";
  }

  public String batch(String batchId) {
    return batches() + "/" + batchId;
  }

  public String batchProgress(String batchId) {
    return batch(batchId) + "/progress";
  }
}
