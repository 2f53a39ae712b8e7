package dev.nimblekafka.fleet;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.ToIntFunction;

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
   * One pod's share when the pods say what they hold by class ({@code <h|n|l>:<tenant>}, as their
   * commits' {@link dev.nimblekafka.handover.CommitNote}s do): the fleet's tasks go to the classes
   * as one pod's scheduler would give them, high priority first, then normal, then low, and within
   * a priority a weighted max-min fair share between tenants; each class's tasks go to the pods
   * that hold it, max-min fairly by how much of it each holds. What no class needs is split evenly.
   * So a pod holding a flooding tenant's low requests does not take the key from a pod holding
   * another tenant's or high ones, and with one class the split is {@link #of}'s.
   *
   * @param demands every pod's requests by class, this pod's included
   * @param weight a tenant's weight ({@code *}, the tenants folded together, weighs 1)
   */
  public static Share ofClasses(
      List<Map<String, Long>> demands,
      int self,
      int fleetTasks,
      double fleetCalls,
      ToIntFunction<String> weight) {
    int pods = demands.size();
    if (pods <= 1) {
      return new Share(fleetCalls, fleetTasks, 1);
    }
    Map<String, Long> totals = new TreeMap<>();
    for (Map<String, Long> pod : demands) {
      pod.forEach((name, count) -> totals.merge(name, Math.max(0, count), Long::sum));
    }
    double[] tasks = new double[pods];
    double left = fleetTasks;
    for (char priority : new char[] {'h', 'n', 'l'}) {
      List<String> names = new ArrayList<>();
      for (String name : totals.keySet()) {
        if (name.charAt(0) == priority) {
          names.add(name);
        }
      }
      double[] wanted = new double[names.size()];
      double[] weights = new double[names.size()];
      for (int c = 0; c < wanted.length; c++) {
        wanted[c] = totals.get(names.get(c));
        String tenant = names.get(c).substring(2);
        weights[c] = "*".equals(tenant) ? 1 : Math.max(1, weight.applyAsInt(tenant));
      }
      double[] classes = waterFill(wanted, weights, left);
      for (int c = 0; c < wanted.length; c++) {
        left -= classes[c];
        double[] held = new double[pods];
        double[] even = new double[pods];
        for (int i = 0; i < pods; i++) {
          held[i] = demands.get(i).getOrDefault(names.get(c), 0L);
          even[i] = 1;
        }
        double[] split = waterFill(held, even, classes[c]);
        for (int i = 0; i < pods; i++) {
          tasks[i] += split[i];
        }
      }
    }
    for (int i = 0; i < pods; i++) {
      tasks[i] += Math.max(0, left) / pods;
    }
    double reserve = Math.min(RESERVE, pods / (fleetTasks + (double) pods));
    double calls = fleetCalls * ((1 - reserve) * tasks[self] / fleetTasks + reserve / pods);
    return new Share(calls, Math.max(1, (int) Math.floor(tasks[self])), pods);
  }

  /**
   * Weighted max-min fair split of {@code total} between claims: none gets more than it wants, and
   * the others share what is left in proportion to their weights (water-filling). The split adds up
   * to the smaller of {@code total} and what is wanted in all.
   */
  static double[] waterFill(double[] wanted, double[] weights, double total) {
    int n = wanted.length;
    double[] split = new double[n];
    Integer[] order = new Integer[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    Arrays.sort(order, (a, b) -> Double.compare(wanted[a] / weights[a], wanted[b] / weights[b]));
    double left = Math.max(0, total);
    double weightLeft = 0;
    for (double w : weights) {
      weightLeft += w;
    }
    for (int k = 0; k < n; k++) {
      int i = order[k];
      double fair = weightLeft > 0 ? left * weights[i] / weightLeft : 0;
      split[i] = Math.min(Math.max(0, wanted[i]), fair);
      left -= split[i];
      weightLeft -= weights[i];
    }
    return split;
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
