package dev.nimblekafka.chaos;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Random;

/**
 * What a chaos run does and when, drawn from a seed: how many requests over how long, how many
 * workers, and the fault schedule. The same seed and shape give the same plan.
 */
record ChaosPlan(long seed, Shape shape, List<Fault> faults) {

  /**
   * The knobs of a run. Faults happen inside {@code [faultsFrom, faultsUntil)}; a zero length
   * leaves that fault out.
   */
  record Shape(
      int requests,
      int workers,
      int partitions,
      Duration produceOver,
      Duration faultsFrom,
      Duration faultsUntil,
      Duration killEveryMin,
      Duration killEveryMax,
      Duration restartAfterMin,
      Duration restartAfterMax,
      boolean brokerRestart,
      Duration brokerRestartAllowance,
      Duration outage,
      Duration storm,
      Duration payment,
      double errorRate,
      Duration errorStatusEvery) {

    /** The full suite: three workers, 10,000 requests, every fault of the issue. */
    static Shape full() {
      return new Shape(
          10_000,
          3,
          12,
          Duration.ofSeconds(150),
          Duration.ofSeconds(15),
          Duration.ofSeconds(180),
          Duration.ofSeconds(15),
          Duration.ofSeconds(25),
          Duration.ofMillis(500),
          Duration.ofSeconds(3),
          true,
          Duration.ofSeconds(20),
          Duration.ofSeconds(30),
          Duration.ofSeconds(10),
          Duration.ofSeconds(15),
          0.05,
          Duration.ofSeconds(10));
    }

    /** The smoke version: two workers, 1,000 requests, one kill, a short outage, 5% 5xx. */
    static Shape smoke() {
      return new Shape(
          1_000,
          2,
          4,
          Duration.ofSeconds(8),
          Duration.ofSeconds(3),
          Duration.ofSeconds(14),
          Duration.ofSeconds(30), // once: the window is shorter than the interval
          Duration.ofSeconds(30),
          Duration.ofMillis(500),
          Duration.ofSeconds(1),
          false,
          Duration.ZERO,
          Duration.ofSeconds(4),
          Duration.ZERO,
          Duration.ZERO,
          0.05,
          Duration.ofSeconds(4));
    }
  }

  /** Draws the schedule for {@code shape} from {@code seed}. */
  static ChaosPlan draw(long seed, Shape shape) {
    Random random = new Random(seed);
    List<Fault> faults = new ArrayList<>();
    long from = shape.faultsFrom().toMillis();
    long until = shape.faultsUntil().toMillis();

    // 5xx from the start to the end of the window, the status changing now and then
    int[] statuses = {500, 502, 503};
    if (shape.errorRate() > 0) {
      for (long t = 0; t < until; t += shape.errorStatusEvery().toMillis()) {
        faults.add(
            new Fault.ServerErrors(
                Duration.ofMillis(t), shape.errorRate(), statuses[random.nextInt(3)]));
      }
    }

    // the longer faults one after the other, in a seeded order, with seeded gaps between them
    List<Fault> periods = new ArrayList<>();
    if (shape.brokerRestart()) {
      periods.add(new Fault.RestartBroker(Duration.ZERO));
    }
    if (!shape.outage().isZero()) {
      periods.add(new Fault.Outage(Duration.ZERO, shape.outage()));
    }
    if (!shape.storm().isZero()) {
      periods.add(new Fault.RateLimitStorm(Duration.ZERO, shape.storm()));
    }
    if (!shape.payment().isZero()) {
      periods.add(new Fault.PaymentRequired(Duration.ZERO, shape.payment()));
    }
    Collections.shuffle(periods, random);
    long busy = periods.stream().mapToLong(p -> length(p, shape)).sum();
    long spare = Math.max(0, until - from - busy);
    List<Long> cuts = new ArrayList<>();
    for (int i = 0; i < periods.size(); i++) {
      cuts.add((long) (random.nextDouble() * spare));
    }
    Collections.sort(cuts);
    long consumed = 0;
    for (int i = 0; i < periods.size(); i++) {
      Fault p = periods.get(i);
      Duration at = Duration.ofMillis(from + cuts.get(i) + consumed);
      consumed += length(p, shape);
      faults.add(at(p, at));
    }

    // a worker killed every killEveryMin..killEveryMax, the first one inside the window
    long firstWithin = Math.min(shape.killEveryMin().toMillis() / 2, until - from);
    long t = from + (long) (random.nextDouble() * firstWithin);
    while (t < until) {
      faults.add(
          new Fault.KillWorker(
              Duration.ofMillis(t),
              random.nextInt(shape.workers()),
              between(random, shape.restartAfterMin(), shape.restartAfterMax())));
      t += between(random, shape.killEveryMin(), shape.killEveryMax()).toMillis();
    }

    faults.add(new Fault.ClearFaults(Duration.ofMillis(until)));
    faults.sort(Comparator.comparing(Fault::at));
    return new ChaosPlan(seed, shape, List.copyOf(faults));
  }

  List<Fault.KillWorker> kills() {
    return faults.stream()
        .filter(Fault.KillWorker.class::isInstance)
        .map(Fault.KillWorker.class::cast)
        .toList();
  }

  private static long length(Fault f, Shape shape) {
    if (f instanceof Fault.RestartBroker) {
      return shape.brokerRestartAllowance().toMillis();
    } else if (f instanceof Fault.Outage o) {
      return o.length().toMillis();
    } else if (f instanceof Fault.RateLimitStorm s) {
      return s.length().toMillis();
    } else if (f instanceof Fault.PaymentRequired p) {
      return p.length().toMillis();
    }
    return 0;
  }

  private static Fault at(Fault f, Duration at) {
    if (f instanceof Fault.RestartBroker) {
      return new Fault.RestartBroker(at);
    } else if (f instanceof Fault.Outage o) {
      return new Fault.Outage(at, o.length());
    } else if (f instanceof Fault.RateLimitStorm s) {
      return new Fault.RateLimitStorm(at, s.length());
    } else if (f instanceof Fault.PaymentRequired p) {
      return new Fault.PaymentRequired(at, p.length());
    }
    throw new IllegalArgumentException("not a period: " + f);
  }

  private static Duration between(Random random, Duration min, Duration max) {
    long span = max.toMillis() - min.toMillis();
    return Duration.ofMillis(
        min.toMillis() + (span <= 0 ? 0 : (long) (random.nextDouble() * span)));
  }
}
