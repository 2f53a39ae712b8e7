package dev.nimblekafka.task;

import dev.nimblekafka.request.Priority;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.function.ToIntFunction;

/**
 * The requests waiting to be created, and the order they go in: which one is created next when a
 * slot is free.
 *
 * <ul>
 *   <li><b>Between priorities</b>: high before normal before low. A class whose oldest request has
 *       waited {@code aging} counts as one class higher, two after twice that (then the older goes
 *       first), so a low request behind an endless stream of high ones still goes.
 *   <li><b>Within a priority</b>: a weighted fair share between the tenants that have requests
 *       waiting (start-time fair queuing: each tenant has a virtual time that a created request
 *       moves on by 1 / its weight; the tenant with the smallest goes next). It is work-conserving:
 *       a tenant with nothing waiting takes no share, and one that comes back starts from the
 *       present, with no credit saved up while it was idle.
 *   <li><b>Within a tenant and priority</b>: first in, first out (a request put back goes first).
 *   <li>A tenant with no room left (its limit of tasks at Nimble) is passed over.
 * </ul>
 *
 * Used by the consume loop's thread only.
 */
final class SubmitQueue {

  /** The requests of one tenant at one priority, in order, and the tenant's virtual time there. */
  private static final class Lane {
    final String tenant;
    final ArrayDeque<PendingTask> tasks = new ArrayDeque<>();
    double vtime;

    Lane(String tenant) {
      this.tenant = tenant;
    }
  }

  /** The lanes of one priority (each has requests waiting), smallest virtual time first. */
  private static final class Level {
    final Map<String, Lane> lanes = new HashMap<>();
    final TreeSet<Lane> waiting =
        new TreeSet<>(
            Comparator.<Lane>comparingDouble(lane -> lane.vtime)
                .thenComparing(lane -> lane.tenant));

    /** The virtual time of the last request created from this priority. */
    double now;
  }

  private final Map<Priority, Level> levels = new EnumMap<>(Priority.class);
  private final ToIntFunction<String> weight;
  private final long agingMillis;
  private int size;

  /**
   * @param weight each tenant's weight (at least 1)
   * @param agingMillis how long a class's oldest request waits before the class counts as one
   *     higher
   */
  SubmitQueue(ToIntFunction<String> weight, long agingMillis) {
    this.weight = weight;
    this.agingMillis = Math.max(1, agingMillis);
    for (Priority priority : Priority.values()) {
      levels.put(priority, new Level());
    }
  }

  /** One tenant, no weights, no aging that matters: first in, first out. */
  static SubmitQueue fifo() {
    return new SubmitQueue(tenant -> 1, Long.MAX_VALUE);
  }

  int size() {
    return size;
  }

  /** A request joins the end of its lane. */
  void addLast(PendingTask task) {
    Lane lane = lane(task);
    lane.tasks.addLast(task);
    size++;
  }

  /** A request goes back to the head of its lane (a create to try again). */
  void addFirst(PendingTask task) {
    Lane lane = lane(task);
    lane.tasks.addFirst(task);
    size++;
  }

  /** Takes a request out without counting it as served (a look-up, an outcome while queued). */
  boolean remove(PendingTask task) {
    Level level = levels.get(task.request().placement().priority());
    Lane lane = level.lanes.get(task.request().placement().tenant());
    if (lane == null || !lane.tasks.remove(task)) {
      return false;
    }
    size--;
    if (lane.tasks.isEmpty()) {
      level.waiting.remove(lane);
      level.lanes.remove(lane.tenant);
    }
    return true;
  }

  /**
   * The request leaves to be created: it is taken out and its tenant's virtual time moves on.
   *
   * @return false when it was not queued
   */
  boolean take(PendingTask task) {
    Level level = levels.get(task.request().placement().priority());
    Lane lane = level.lanes.get(task.request().placement().tenant());
    if (lane == null || !lane.tasks.contains(task)) {
      return false;
    }
    level.waiting.remove(lane);
    lane.tasks.remove(task);
    size--;
    level.now = Math.max(level.now, lane.vtime);
    lane.vtime += 1.0 / Math.max(1, weight.applyAsInt(lane.tenant));
    if (lane.tasks.isEmpty()) {
      level.lanes.remove(lane.tenant); // it comes back at the present, like a new tenant
    } else {
      level.waiting.add(lane);
    }
    return true;
  }

  /** Takes out every request {@code which} accepts (a partition given away), none as served. */
  void removeIf(Predicate<PendingTask> which) {
    for (Level level : levels.values()) {
      for (Iterator<Lane> it = level.waiting.iterator(); it.hasNext(); ) {
        Lane lane = it.next();
        int before = lane.tasks.size();
        lane.tasks.removeIf(which);
        size -= before - lane.tasks.size();
        if (lane.tasks.isEmpty()) {
          it.remove();
          level.lanes.remove(lane.tenant);
        }
      }
    }
  }

  /** Every request waiting, by priority then tenant (no particular order across tenants). */
  List<PendingTask> all() {
    List<PendingTask> all = new ArrayList<>(size);
    for (Level level : levels.values()) {
      for (Lane lane : level.waiting) {
        all.addAll(lane.tasks);
      }
    }
    return all;
  }

  /**
   * Up to {@code max} of one tenant's requests that {@code which} accepts, high priority first,
   * each lane in order (none taken out).
   */
  List<PendingTask> of(String tenant, int max, Predicate<PendingTask> which) {
    List<PendingTask> found = new ArrayList<>();
    for (Level level : levels.values()) {
      Lane lane = level.lanes.get(tenant);
      if (lane == null) {
        continue;
      }
      for (PendingTask task : lane.tasks) {
        if (found.size() >= max) {
          return found;
        }
        if (which.test(task)) {
          found.add(task);
        }
      }
    }
    return found;
  }

  /**
   * The next {@code max} requests to go, in the order they would go, none taken out.
   *
   * @param room how many more tasks a tenant may have created now (passed over at 0)
   */
  List<PendingTask> head(int max, long now, ToIntFunction<String> room) {
    List<PendingTask> head = new ArrayList<>(Math.min(max, size));
    if (size == 0 || max <= 0) {
      return head;
    }
    Map<String, Integer> left = new HashMap<>();
    List<Priority> order = order(now);
    for (Priority priority : order) {
      Level level = levels.get(priority);
      PriorityQueue<Turn> turns =
          new PriorityQueue<>(
              Comparator.<Turn>comparingDouble(turn -> turn.vtime)
                  .thenComparing(turn -> turn.lane.tenant));
      for (Lane lane : level.waiting) {
        turns.add(new Turn(lane, Math.max(lane.vtime, level.now)));
      }
      while (head.size() < max && !turns.isEmpty()) {
        Turn turn = turns.poll();
        int free = left.computeIfAbsent(turn.lane.tenant, room::applyAsInt);
        if (free <= 0 || !turn.tasks.hasNext()) {
          continue; // the tenant is at its limit, or its lane has nothing more
        }
        head.add(turn.tasks.next());
        left.put(turn.lane.tenant, free - 1);
        turn.vtime += 1.0 / Math.max(1, weight.applyAsInt(turn.lane.tenant));
        turns.add(turn);
      }
      if (head.size() >= max) {
        break;
      }
    }
    return head;
  }

  /** One lane's place in a {@link #head} being worked out. */
  private static final class Turn {
    final Lane lane;
    final Iterator<PendingTask> tasks;
    double vtime;

    Turn(Lane lane, double vtime) {
      this.lane = lane;
      this.tasks = lane.tasks.iterator();
      this.vtime = vtime;
    }
  }

  /**
   * The priorities in the order they are served now: by class, each counting one higher per {@code
   * aging} its oldest request has waited; of two counting as the same class, the one whose oldest
   * request waited longer goes first.
   */
  private List<Priority> order(long now) {
    List<Priority> order = new ArrayList<>(3);
    Map<Priority, Long> rank = new EnumMap<>(Priority.class);
    Map<Priority, Long> since = new EnumMap<>(Priority.class);
    for (Priority priority : Priority.values()) {
      Level level = levels.get(priority);
      if (level.waiting.isEmpty()) {
        continue;
      }
      long oldest = Long.MAX_VALUE;
      for (Lane lane : level.waiting) {
        oldest = Math.min(oldest, lane.tasks.peekFirst().queuedAt());
      }
      long promoted = Math.max(0, now - oldest) / agingMillis;
      rank.put(priority, Math.max(0, priority.ordinal() - promoted));
      since.put(priority, oldest);
      order.add(priority);
    }
    order.sort(
        Comparator.<Priority>comparingLong(rank::get)
            .thenComparingLong(since::get)
            .thenComparing(Priority::ordinal));
    return order;
  }

  /**
   * The lane of the request's tenant and priority. Only lanes with requests are kept: a tenant that
   * starts waiting again starts from the present of its priority, with no credit for the time it
   * was idle (and however many tenants come and go, the queue keeps none of those gone).
   */
  private Lane lane(PendingTask task) {
    Level level = levels.get(task.request().placement().priority());
    String tenant = task.request().placement().tenant();
    Lane lane = level.lanes.get(tenant);
    if (lane == null) {
      lane = new Lane(tenant);
      lane.vtime = level.now;
      level.lanes.put(tenant, lane);
      level.waiting.add(lane);
    }
    return lane;
  }
}
