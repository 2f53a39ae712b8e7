package dev.nimblekafka.fleet;

import java.util.Arrays;

/**
 * How the key's limits split between the pods of a fleet, from what each pod has to do (its demand:
 * the requests it holds). The same function on the same figures gives every pod the same split, so
 * the pods' shares add up to the key's limits however many there are.
 *
 * <p>Tasks are shared max-min fairly: no pod gets more than it asks for, and what a pod does not
 * need goes to the others; what nobody needs is split evenly. Every pod keeps at least one task, so
 * that an idle pod can start at once when work reaches it. Calls follow tasks (a pod's calls are
 * mostly its tasks' creates and fetches), after a reserve split evenly between all pods: one task's
 * worth of calls for every pod, but never more than {@link #RESERVE} of the key in all, whatever
 * the number of pods. So one busy pod among a hundred idle ones gets at least 95% of the key's
 * calls, and the pods' calls add up to the key's exactly.
 *
 * <p>A pod that cannot read the group takes its partitions' part instead ({@link #ofPartitions}).
 */
public final class FleetShare {
  /** The most of the key's calls kept back, in all, for pods with no work: 5%. */
  static final double RESERVE = 0.05;

  private FleetShare() {}

  /**
   * One pod's share: calls per second, and tasks at Nimble, as one of {@code pods} sharing the key.
   */
  public record Share(double callsPerSecond, int tasks, int pods) {
    /** The whole of these limits, for one pod alone. */
    public Share(double callsPerSecond, int tasks) {
      this(callsPerSecond, tasks, 1);
    }
  }

  /**
   * @param demands every pod's demand, this pod's included
   * @param self this pod's index in {@code demands}
   * @param fleetTasks the tasks the whole fleet may keep at Nimble
   * @param fleetCalls the key's calls per second
   */
  public static Share of(long[] demands, int self, int fleetTasks, double fleetCalls) {
    int pods = demands.length;
    if (pods <= 1) {
      return new Share(fleetCalls, fleetTasks, 1);
    }
    double[] tasks = fairSplit(demands, fleetTasks);
    double reserve = Math.min(RESERVE, pods / (fleetTasks + (double) pods));
    double calls = fleetCalls * ((1 - reserve) * tasks[self] / fleetTasks + reserve / pods);
    return new Share(calls, Math.max(1, (int) Math.floor(tasks[self])), pods);
  }

  /**
   * The share of a pod that knows only its own assignment: its partitions' part of the key, as if
   * the work were spread evenly over the partitions, and at least one partition's worth (a pod with
   * no partitions has no work to call for). Partitions are assigned to one member at a time, so
   * pods sharing this way add up to the key's limits at most.
   *
   * @param assigned the requests-topic partitions this pod owns
   * @param partitions the requests topic's partitions
   */
  public static Share ofPartitions(
      int assigned, int partitions, int fleetTasks, double fleetCalls) {
    int owned = Math.min(partitions, Math.max(1, assigned));
    double part = owned / (double) partitions;
    int pods = (partitions + owned - 1) / owned; // so that 1 / pods <= part
    return new Share(fleetCalls * part, Math.max(1, (int) Math.floor(fleetTasks * part)), pods);
  }

  /** Max-min fair split of {@code total} by {@code demands}, the rest split evenly. */
  static double[] fairSplit(long[] demands, double total) {
    int pods = demands.length;
    Integer[] order = new Integer[pods];
    for (int i = 0; i < pods; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Long.compare(demands[a], demands[b]));
    double[] split = new double[pods];
    double left = total;
    for (int k = 0; k < pods; k++) {
      int i = order[k];
      double fair = left / (pods - k);
      split[i] = Math.min(Math.max(0, demands[i]), fair);
      left -= split[i];
    }
    for (int i = 0; i < pods; i++) {
      split[i] += left / pods;
    }
    return split;
  }
}
