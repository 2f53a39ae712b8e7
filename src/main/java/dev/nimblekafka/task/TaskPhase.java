package dev.nimblekafka.task;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;

/**
 * Where a request is in its life inside the worker. Codes are stable (they appear in logs and
 * metrics); the legal moves are listed in one table and anything else throws.
 *
 * <pre>
 * QUEUED ──> SUBMITTING ──> WAITING ──> CHECKING ──> FETCHING ──> DONE
 *   ▲            │            ▲             │  │         │
 *   └────────────┘ (retry)    └─────────────┘  │         │ (retriable: check again)
 *   ▲                           (running)      │         ▼
 *   └──────────────────────────────────────────┘      WAITING
 *         (task failed: resubmit)              any ──> DONE (outcome published, or
 *                                                            the partition moved)
 *   WAITING ──> FETCHING: a callback said the task succeeded (the fetch is the check)
 * </pre>
 *
 * <p>Only {@link TaskBook} moves a task, so the indexes that follow from the phase (queue, timers,
 * slots) change with it.
 */
public enum TaskPhase {
  /** Consumed and valid, waiting for capacity to be submitted. */
  QUEUED("queued"),
  /** The create call is in flight. */
  SUBMITTING("submitting"),
  /** Nimble has the task; the next status check is scheduled. */
  WAITING("waiting"),
  /** A status check is in flight. */
  CHECKING("checking"),
  /** The task succeeded; its result is being downloaded. */
  FETCHING("fetching"),
  /** An outcome was published; the task is forgotten. */
  DONE("done");

  private static final Map<TaskPhase, Set<TaskPhase>> LEGAL =
      Map.of(
          QUEUED, EnumSet.of(SUBMITTING, DONE),
          SUBMITTING, EnumSet.of(WAITING, QUEUED, DONE),
          WAITING, EnumSet.of(CHECKING, FETCHING, DONE),
          CHECKING, EnumSet.of(WAITING, FETCHING, QUEUED, DONE),
          FETCHING, EnumSet.of(WAITING, DONE),
          DONE, EnumSet.noneOf(TaskPhase.class));

  private final String code;

  TaskPhase(String code) {
    this.code = code;
  }

  public String code() {
    return code;
  }

  /** True while the task occupies one of the plan's concurrent-task slots at Nimble. */
  public boolean occupiesSlot() {
    return this == SUBMITTING || this == WAITING || this == CHECKING;
  }

  TaskPhase moveTo(TaskPhase next) {
    if (!LEGAL.get(this).contains(next)) {
      throw new IllegalTransitionException(this, next);
    }
    return next;
  }

  /** A move the lifecycle does not allow: a bug, never bad input. */
  public static final class IllegalTransitionException extends IllegalStateException {
    IllegalTransitionException(TaskPhase from, TaskPhase to) {
      super("illegal task transition " + from.code + " -> " + to.code);
    }
  }
}
