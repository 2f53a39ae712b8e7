package dev.nimblekafka.cli;

/** An expected condition a command cannot go on with: printed as one line, exit code 1. */
final class CliFailure extends RuntimeException {
  CliFailure(String message) {
    super(message, null, false, false);
  }
}
