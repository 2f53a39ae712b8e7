package dev.nimblekafka.request;

/** The outcome of reading one consumed record: a valid request, or why it is not one. */
public sealed interface ParseResult {
  record Valid(ExtractionRequest request) implements ParseResult {}

  record Invalid(RequestError error) implements ParseResult {}
}
