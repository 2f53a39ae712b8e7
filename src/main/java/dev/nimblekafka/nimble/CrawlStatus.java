package dev.nimblekafka.nimble;

import java.util.List;
import java.util.Locale;

/**
 * What {@code GET /v{1,2}/crawl/{id}} says of a crawl: its state, Nimble's counters, and its page
 * tasks in the order Nimble lists them (discovery order, as far as Nimble says anything).
 *
 * @param crawlId the crawl's id
 * @param wireState the state as Nimble wrote it
 * @param total pages Nimble counts in the crawl (-1 when absent)
 * @param pages every page task listed, in order
 */
public record CrawlStatus(String crawlId, String wireState, long total, List<Page> pages) {

  /** Where a crawl is: still running, or ended one of three ways. */
  public enum State {
    RUNNING,
    SUCCEEDED,
    FAILED,
    CANCELED;

    public boolean ended() {
      return this != RUNNING;
    }

    /** The name used in records: {@code running}, {@code succeeded}, ... */
    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** How a page task stands: Nimble writes {@code pending}, {@code completed} or {@code failed}. */
  public enum PageState {
    PENDING,
    COMPLETED,
    FAILED;

    public boolean ended() {
      return this != PENDING;
    }

    /**
     * Reads a page task's status; {@code completed} and {@code success} are done, {@code failed}
     * and {@code error} failed, anything else (pending, processing, ...) is still running.
     */
    public static PageState fromWire(String wire) {
      if (wire == null) {
        return PENDING;
      }
      return switch (wire.toLowerCase(Locale.ROOT)) {
        case "completed", "success", "succeeded" -> COMPLETED;
        case "failed", "error" -> FAILED;
        default -> PENDING;
      };
    }
  }

  /** One page task as listed. */
  public record Page(String taskId, PageState state) {}

  public CrawlStatus {
    pages = List.copyOf(pages);
  }

  /**
   * The crawl's state: {@code succeeded}, {@code failed} and {@code canceled} (or {@code
   * cancelled}) end it; anything else ({@code queued}, {@code running}, a state Nimble adds later)
   * means it still runs.
   */
  public State state() {
    if (wireState == null) {
      return State.RUNNING;
    }
    return switch (wireState.toLowerCase(Locale.ROOT)) {
      case "succeeded", "completed", "success" -> State.SUCCEEDED;
      case "failed", "error" -> State.FAILED;
      case "canceled", "cancelled" -> State.CANCELED;
      default -> State.RUNNING;
    };
  }
}
