package dev.nimblekafka.cli;

/** A line of a command's input that cannot be used: printed as one line, exit code 2. */
final class BadInput extends RuntimeException {
  BadInput(String message) {
    super(message, null, false, false);
  }
}
