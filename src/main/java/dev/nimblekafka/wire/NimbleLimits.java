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

  /**
   * The search engines of the SERP endpoints: the API reference's list plus the SDK's {@code
   * google_sge}.
   */
  public static final Set<String> SERP_ENGINES =
      Set.of(
          "google_search",
          "google_sge",
          "google_aio",
          "google_maps_search",
          "google_maps_reviews",
          "google_maps_place",
          "google_news",
          "google_images",
          "bing_search",
          "yandex_search");

  /** The engines that search a Google Maps place: they take {@code place_id}, not a query. */
  public static final Set<String> SERP_PLACE_ENGINES =
      Set.of("google_maps_place", "google_maps_reviews");

  /** {@code num_results} of a SERP call: 1 to 100. */
  public static final int MAX_SERP_RESULTS = 100;

  /** SERP {@code device} values (the SDK's; the API reference lists only mobile). */
  public static final Set<String> SERP_DEVICES = Set.of("desktop", "mobile");

  /** SERP options the API reference types as booleans. */
  public static final Set<String> SERP_FLAGS =
      Set.of(
          "parse",
          "render",
          "resolve_url",
          "show_hidden_results",
          "no_html",
          "include_pages_html",
          "ads_optimization");

  private NimbleLimits() {}

  /** Pages a crawl may visit ({@code limit}): 1 to 10,000; Nimble's default is 5,000. */
  public static final int MAX_CRAWL_PAGES = 10_000;

  /** {@code max_discovery_depth} of a crawl: 1 to 20. */
  public static final int MAX_CRAWL_DEPTH = 20;

  /** How a crawl uses the site's sitemap. */
  public static final Set<String> CRAWL_SITEMAP = Set.of("skip", "include", "only");

  /** The events a crawl's callback may ask for. */
  public static final Set<String> CRAWL_EVENTS = Set.of("started", "page", "completed", "failed");

  /** A crawl option Nimble types as a boolean. */
  public static final Set<String> CRAWL_FLAGS =
      Set.of(
          "allow_external_links",
          "allow_subdomains",
          "crawl_entire_domain",
          "ignore_query_parameters");
}
