package dev.nimblekafka.chaos;

import java.time.Duration;

/** One thing done to the system at a moment of a chaos run, measured from the run's start. */
sealed interface Fault {
  Duration at();

  /** Short text for the timeline. */
  String describe();

  /** SIGKILL of worker {@code worker} (0-based), started again {@code restartAfter} later. */
  record KillWorker(Duration at, int worker, Duration restartAfter) implements Fault {
    @Override
    public String describe() {
      return "SIGKILL worker-" + (worker + 1) + ", restart after " + Text.duration(restartAfter);
    }
  }

  /** The broker stopped (SIGTERM, controlled shutdown) and started again. */
  record RestartBroker(Duration at) implements Fault {
    @Override
    public String describe() {
      return "broker restart";
    }
  }

  /** Every Nimble call's connection closed without an answer. */
  record Outage(Duration at, Duration length) implements Fault {
    @Override
    public String describe() {
      return "Nimble outage for " + Text.duration(length);
    }
  }

  /** Every Nimble call answered 429 with Retry-After. */
  record RateLimitStorm(Duration at, Duration length) implements Fault {
    @Override
    public String describe() {
      return "429 storm for " + Text.duration(length);
    }
  }

  /** Every task-creating call answered 402. */
  record PaymentRequired(Duration at, Duration length) implements Fault {
    @Override
    public String describe() {
      return "402 period for " + Text.duration(length);
    }
  }

  /** From now on a share of calls is answered with this 5xx instead of being handled. */
  record ServerErrors(Duration at, double rate, int status) implements Fault {
    @Override
    public String describe() {
      return Math.round(rate * 100) + "% of calls answered " + status;
    }
  }

  /** All simulator faults off; the system recovers from here. */
  record ClearFaults(Duration at) implements Fault {
    @Override
    public String describe() {
      return "all simulator faults cleared";
    }
  }

  /** A change of the simulator's faults: {@code json} is posted to {@code /sim/faults}. */
  record Simulator(Duration at, String json, String text) implements Fault {
    @Override
    public String describe() {
      return text;
    }
  }

  /** Worker {@code worker} (0-based), not started with the others, joins the group. */
  record JoinWorker(Duration at, int worker) implements Fault {
    @Override
    public String describe() {
      return "worker-" + (worker + 1) + " joins";
    }
  }

  /** Worker {@code worker} leaves the group for good: SIGTERM, as a scale-down would. */
  record StopWorker(Duration at, int worker) implements Fault {
    @Override
    public String describe() {
      return "worker-" + (worker + 1) + " leaves (SIGTERM, not restarted)";
    }
  }

  /**
   * The results topic's {@code max.message.bytes} set to {@code bytes}, so that every transaction
   * holding a larger result fails to commit; 0 puts the broker's default back.
   */
  record ResultsLimit(Duration at, int bytes) implements Fault {
    @Override
    public String describe() {
      return bytes > 0
          ? "results topic max.message.bytes=" + bytes + ": every transaction with a result fails"
          : "results topic max.message.bytes back to the broker's default";
    }
  }

  /** The broker process sent {@code SIGSTOP} (frozen) or {@code SIGCONT} (thawed). */
  record SignalBroker(Duration at, String signal) implements Fault {
    @Override
    public String describe() {
      return "broker: SIG" + signal;
    }
  }

  /**
   * {@code fault}, held back from its moment until {@code pages} more crawl page records have been
   * read (at most {@link #WAIT}), so that it strikes while pages are being published. Such faults
   * strike one after another: each counts its pages once the one before has struck (a broker
   * restart: once the broker is back).
   */
  record WhilePublishing(Fault fault, int pages) implements Fault {
    /** How long the fault waits for the page records before it strikes anyway. */
    static final Duration WAIT = Duration.ofSeconds(60);

    @Override
    public Duration at() {
      return fault.at();
    }

    @Override
    public String describe() {
      return fault.describe() + ", once " + pages + " more page records are published";
    }
  }

  /**
   * Not a fault but a check from this moment: the simulator must answer a task-creating call with
   * 200 again within {@code within}.
   */
  record ExpectResume(Duration at, Duration within) implements Fault {
    @Override
    public String describe() {
      return "creates must succeed again within " + Text.duration(within);
    }
  }
}
