package dev.nimblekafka.request;

/**
 * Tags the worker keeps for itself: it marks every create with a tag of this prefix to recognise
 * its task later, so a request's own tag may not start with it.
 */
public final class ReservedTags {
  public static final String PREFIX = "nkw-";

  private ReservedTags() {}
}
