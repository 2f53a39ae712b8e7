package dev.nimblekafka.sim;

/** The {@code api_type} of a task: which family of endpoints created it. */
enum ApiType {
  EXTRACT("extract"),
  AGENT("agent"),
  SERP("serp");

  final String wire;

  ApiType(String wire) {
    this.wire = wire;
  }
}
