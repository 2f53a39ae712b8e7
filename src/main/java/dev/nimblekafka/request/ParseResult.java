package dev.nimblekafka.request;

/**
 * The outcome of reading one consumed record: a valid request, a cancel of one, or why it is
 * neither.
 */
public sealed interface ParseResult {
  record Valid(ExtractionRequest request) implements ParseResult {}

  /** {@code {"cancel": "<request id>"}}: ends the crawl of that request, if one is pending. */
  record Cancel(String requestId) implements ParseResult {}

  record Invalid(RequestError error) implements ParseResult {}
}
