package dev.nimblekafka.request;

/** A broken rule found by {@link RequestValidator}, thrown to stop at the first one. */
final class Violation extends RuntimeException {
  final String code;
  final String field;
  final Object limit;

  Violation(String code, String field, Object limit, String message) {
    super(message, null, false, false);
    this.code = code;
    this.field = field;
    this.limit = limit;
  }
}
