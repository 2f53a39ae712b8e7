package dev.nimblekafka.publish;

/** A commit did not happen, or may not have. What it held must be redone or looked up. */
public final class OutputException extends RuntimeException {
  private final boolean fatal;
  private final boolean uncertain;

  public OutputException(String message, Throwable cause, boolean fatal) {
    this(message, cause, fatal, false);
  }

  /**
   * @param uncertain the commit may have landed (it timed out once it was asked for)
   */
  public OutputException(String message, Throwable cause, boolean fatal, boolean uncertain) {
    super(message, cause);
    this.fatal = fatal || uncertain;
    this.uncertain = uncertain;
  }

  /** The producer cannot be used again (fenced, timed out, or a bug): make a new one. */
  public boolean fatal() {
    return fatal;
  }

  /**
   * Whether the commit may have landed although it did not say so: what it held must not be written
   * again, but replayed from what is committed.
   */
  public boolean uncertain() {
    return uncertain;
  }
}
