package dev.nimblekafka.worker;

import dev.nimblekafka.nimble.NimbleException;
import dev.nimblekafka.task.PendingTask;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether new tasks may be created now. After a 401/402 submissions stop, and one probe at a time
 * asks again every recheck interval; the account is open again when a create call succeeds. After a
 * 429/5xx/IO answer to a create call, submissions wait until Nimble's {@code retry-after}.
 *
 * <p>The probe is known by its task: only its own answer, current or not (its partition may have
 * moved meanwhile), lets another probe go.
 */
final class AccessGate {
  private static final Logger log = LoggerFactory.getLogger(AccessGate.class);

  private final Duration recheck;
  private PauseReason denied;
  private String detail;
  private long closedUntil;
  private PendingTask probe;

  AccessGate(Duration recheck) {
    this.recheck = recheck;
  }

  /** Whether a create call may start at {@code now}. */
  boolean open(long now) {
    return now >= closedUntil;
  }

  /** Whether Nimble refuses the account (then only a probe goes out). */
  boolean denied() {
    return denied != null;
  }

  /** Whether a probe may go out now: the account is refused and no probe is in flight. */
  boolean probeWanted() {
    return denied != null && probe == null;
  }

  void probing(PendingTask task) {
    probe = task;
  }

  /** A create call for {@code task} answered, whatever happened to its partition meanwhile. */
  void answered(PendingTask task) {
    if (task == probe) {
      probe = null;
    }
  }

  /** Nimble created a task: the account is open. */
  void accepted() {
    if (denied != null) {
      log.info("Nimble accepts submissions again; resuming");
      denied = null;
      detail = null;
    }
  }

  /** Nimble refused the account (401/402/403). */
  void refused(NimbleException.AccessDenied error, long now) {
    PauseReason reason = error.isPayment() ? PauseReason.BUDGET : PauseReason.AUTH;
    if (denied != reason) {
      log.error(
          "Nimble refuses new tasks ({}); pausing and trying again every {}",
          error.getMessage(),
          recheck);
    }
    denied = reason;
    detail = error.getMessage();
    closedUntil = now + recheck.toMillis();
  }

  /** Lets the next probe go at {@code at} rather than after the recheck interval. */
  void probeAt(long at) {
    closedUntil = at;
  }

  /** Nimble could not take a create call: none starts before {@code until}. */
  void closedUntil(long until) {
    closedUntil = Math.max(closedUntil, until);
  }

  /** AUTH or BUDGET while the account is refused, else null. */
  PauseReason reason() {
    return denied;
  }

  /** Nimble's message for the refusal (shown on health), or null. */
  String detail() {
    return detail;
  }
}
