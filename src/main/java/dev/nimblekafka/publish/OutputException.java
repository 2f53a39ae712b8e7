package dev.nimblekafka.publish;

/** A commit did not happen. The uncommitted records and offsets are lost and must be redone. */
public final class OutputException extends RuntimeException {
  private final boolean fatal;

  public OutputException(String message, Throwable cause, boolean fatal) {
    super(message, cause);
    this.fatal = fatal;
  }

  /** The producer cannot be used again (fenced, or a bug): make a new one. */
  public boolean fatal() {
    return fatal;
  }
}
