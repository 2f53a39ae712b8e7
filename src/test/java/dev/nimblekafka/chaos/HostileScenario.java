package dev.nimblekafka.chaos;

import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * One hostile but legal disruption, run on its own ({@code make chaos CHAOS_ARGS="--scenario
 * NAME"}): its requests, the simulator's options, the workers' settings and a fixed schedule. It is
 * judged like the full suite (exactly one outcome of the right kind per request record) and, on top
 * of that, fails on an unplanned worker death, a task paid twice, or its own expectation.
 *
 * @param what the disruption, one sentence
 * @param expected what must hold, one sentence
 * @param simOptions the simulator's command-line options
 * @param workerHeap the workers' {@code -Xmx}
 * @param workerEnvironment the workers' settings on top of the suite's (an empty value unsets one)
 * @param workers worker slots; a slot named by a {@link Fault.JoinWorker} starts when it joins
 * @param produceOver how long each wave of requests is produced over
 * @param settle how long, after the last fault, the outcomes may take
 */
record HostileScenario(
    String name,
    String what,
    String expected,
    List<String> simOptions,
    String workerHeap,
    Map<String, String> workerEnvironment,
    int workers,
    int partitions,
    Duration produceOver,
    Duration settle,
    Load load,
    List<Fault> faults) {

  /** Makes the scenario's request records. */
  interface Load {
    List<ChaosRequests.Request> make(String prefix, Random random);
  }

  List<ChaosRequests.Request> requests(String prefix, Random random) {
    return load.make(prefix, random);
  }

  /** The plan of a run: the scenario's faults, in time order, and its size. */
  ChaosPlan plan(long seed, int requests) {
    Duration last =
        faults.stream().map(Fault::at).max(Comparator.naturalOrder()).orElse(Duration.ZERO);
    ChaosPlan.Shape shape =
        new ChaosPlan.Shape(
            requests,
            workers,
            partitions,
            produceOver,
            Duration.ZERO,
            last,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ZERO,
            false,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ZERO,
            Duration.ZERO,
            0,
            Duration.ofSeconds(10));
    return new ChaosPlan(
        seed, shape, faults.stream().sorted(Comparator.comparing(Fault::at)).toList());
  }
}
