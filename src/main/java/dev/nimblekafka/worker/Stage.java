package dev.nimblekafka.worker;

/** Where in a request's life its failure happened (the {@code stage} of a failure record). */
enum Stage {
  PARSE("parse"),
  VALIDATE("validate"),
  SUBMIT("submit"),
  TASK("task"),
  RESULTS("results");

  private final String code;

  Stage(String code) {
    this.code = code;
  }

  String code() {
    return code;
  }
}
