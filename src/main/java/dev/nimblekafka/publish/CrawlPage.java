package dev.nimblekafka.publish;

import com.fasterxml.jackson.databind.JsonNode;
import dev.nimblekafka.request.Placement;
import dev.nimblekafka.request.RequestHeaders;

/**
 * One page of a crawl, as its page record says it: on the results topic, keyed by the request id
 * like the crawl's summary, so one crawl's pages stay in one partition in the order they were
 * published.
 *
 * @param requestId the crawl request's id
 * @param crawlId Nimble's crawl id
 * @param index the page's place in Nimble's list of the crawl's pages (from 0)
 * @param taskId the page's task id
 * @param url the page's URL, when Nimble says it (null otherwise)
 * @param publishedAt when the worker read the page (epoch ms)
 * @param result the page's result body (raw JSON), or null when the page failed
 * @param errorCode why the page failed (null when it succeeded)
 * @param errorMessage what Nimble said of the failure (null when it succeeded)
 * @param errorDetails more about the failure (null when none)
 * @param placement the request's tenant and priority
 * @param metadata the request's metadata, echoed (null when absent)
 * @param headers the request record's headers the page carries back
 */
public record CrawlPage(
    String requestId,
    String crawlId,
    int index,
    String taskId,
    String url,
    long publishedAt,
    byte[] result,
    String errorCode,
    String errorMessage,
    JsonNode errorDetails,
    Placement placement,
    JsonNode metadata,
    RequestHeaders headers) {

  public CrawlPage {
    headers = headers == null ? RequestHeaders.NONE : headers;
  }

  public boolean succeeded() {
    return errorCode == null;
  }
}
