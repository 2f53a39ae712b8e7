package dev.nimblekafka.fleet;

import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the fleet from Kafka itself, every {@value #REFRESH_MILLIS} ms: the consumer group's
 * members and their partitions ({@code DescribeGroups}), and the requests each partition holds,
 * which every owner writes into its committed offsets' metadata ({@code OffsetFetch}). From these
 * every pod computes the same {@link FleetShare} and hands its own part to the {@link KeyBudget}. A
 * pod's own demand is taken live. Runs on a scheduler thread of its own.
 */
public final class FleetView implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FleetView.class);

  static final long REFRESH_MILLIS = 2_000;

  /** What the pod knows of itself: its member id in the group, and the requests it holds now. */
  public interface Self {
    /** The member id the group knows this pod by; null before it joined. */
    String memberId();

    int held();

    /** Requests-topic partitions assigned to this pod now. */
    int assignedPartitions();
  }

  /**
   * What the fleet shares and how its work is cut.
   *
   * @param groupId the consumer group the pods are members of
   * @param topic the requests topic
   * @param partitions the requests topic's partitions
   * @param tasks the tasks the whole fleet may keep at Nimble
   * @param callsPerSecond the key's calls per second
   */
  public record Fleet(
      String groupId, String topic, int partitions, int tasks, double callsPerSecond) {
    public Fleet {
      if (partitions < 1) {
        throw new IllegalArgumentException(
            "the requests topic must have at least 1 partition but had " + partitions);
      }
    }
  }

  private final GroupReader group;
  private final String groupId;
  private final String topic;
  private final Self self;
  private final KeyBudget budget;
  private final int fleetTasks;
  private final double fleetCalls;
  private final int partitions;
  private final LongSupplier clock;
  private final ScheduledExecutorService scheduler;
  private volatile int members = 1;
  private volatile boolean seen;
  private boolean warned;

  public FleetView(Admin admin, Fleet fleet, Self self, KeyBudget budget, LongSupplier clock) {
    this(GroupReader.of(admin, fleet.groupId()), fleet, self, budget, clock);
  }

  FleetView(GroupReader group, Fleet fleet, Self self, KeyBudget budget, LongSupplier clock) {
    this.group = group;
    this.groupId = fleet.groupId();
    this.topic = fleet.topic();
    this.self = self;
    this.budget = budget;
    this.fleetTasks = fleet.tasks();
    this.fleetCalls = fleet.callsPerSecond();
    this.partitions = fleet.partitions();
    this.clock = clock;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "fleet-view");
              thread.setDaemon(true);
              return thread;
            });
  }

  public FleetView start() {
    scheduler.scheduleWithFixedDelay(this::refresh, 0, REFRESH_MILLIS, TimeUnit.MILLISECONDS);
    return this;
  }

  /** Pods in the group when it was last read (1 before). */
  public int members() {
    return members;
  }

  /** Whether the group was read at least once with this pod in it. */
  public boolean seen() {
    return seen;
  }

  void refresh() {
    String me = self.memberId();
    if (me == null || me.isEmpty()) {
      return;
    }
    try {
      GroupReader.Snapshot read = group.read();
      apply(read.members(), read.offsets(), me);
      warned = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      if (!warned) {
        warned = true;
        log.warn(
            "Could not read consumer group {} to share the Nimble key with the other pods ({});"
                + " keeping the last share, and slowing down on 429s",
            groupId,
            e.getCause() != null ? e.getCause().toString() : e.toString());
      }
    }
  }

  void apply(
      Collection<MemberDescription> group,
      Map<TopicPartition, OffsetAndMetadata> offsets,
      String me) {
    List<Long> demands = new ArrayList<>();
    int index = -1;
    for (MemberDescription member : group) {
      if (member.consumerId().equals(me)) {
        index = demands.size();
        demands.add((long) self.held());
        continue;
      }
      long held = 0;
      for (TopicPartition tp : member.assignment().topicPartitions()) {
        if (tp.topic().equals(topic)) {
          held += HeldCount.read(offsets.get(tp));
        }
      }
      demands.add(held);
    }
    if (index < 0) {
      return; // this pod is not (yet, or no longer) in the group as read: keep the last share
    }
    long[] all = demands.stream().mapToLong(Long::longValue).toArray();
    members = all.length;
    seen = true;
    budget.share(FleetShare.of(all, index, fleetTasks, fleetCalls));
  }

  /** This pod's facts, read from where they live. */
  public static Self self(Supplier<String> memberId, IntSupplier held, IntSupplier assigned) {
    return new Self() {
      @Override
      public String memberId() {
        return memberId.get();
      }

      @Override
      public int held() {
        return held.getAsInt();
      }

      @Override
      public int assignedPartitions() {
        return assigned.getAsInt();
      }
    };
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    group.close();
  }
}
