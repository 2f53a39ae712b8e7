package dev.nimblekafka.nimble;

/**
 * One crawl of the account as {@code GET /v{1,2}/crawl} lists it (newest first).
 *
 * @param crawlId its id
 * @param name its name (the worker's mark ends it), or null
 * @param status its state as Nimble wrote it
 */
public record CrawlListing(String crawlId, String name, String status) {}
