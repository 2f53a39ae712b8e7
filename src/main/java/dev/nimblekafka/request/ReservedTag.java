package dev.nimblekafka.request;

/**
 * The tag prefix the worker keeps for its own marks on the tasks it creates (extract: {@code tag};
 * agent: {@code params.tag}). A request may carry a tag of its own, but not one with this prefix:
 * such a tag could pass for the mark of another request's task and be taken for it.
 */
public final class ReservedTag {
  public static final String PREFIX = "nkw-";

  private ReservedTag() {}
}
