package dev.nimblekafka.fleet;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.IntSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the fleet from Kafka itself, every {@value #REFRESH_MILLIS} ms, or every {@value
 * #READ_MILLIS_PER_POD} ms for each pod in the group when that is longer (so that the fleet as a
 * whole reads the group at most ten times a second, however many pods it has): the consumer group's
 * members and their partitions ({@code DescribeGroups}), and the requests each partition holds,
 * which every owner writes into its committed offsets' metadata ({@code OffsetFetch}). From these
 * every pod computes the same {@link FleetShare} and hands its own part to the {@link KeyBudget}.
 * Every pod's demand, this pod's included, is taken from those commits, so that every pod works
 * from the same figures. Runs on a scheduler thread of its own.
 *
 * <p>Until the group has been read with this pod in it, and once the last such read is older than
 * {@value #STALE_MILLIS} ms, the pod takes its partitions' share of the key instead ({@link
 * FleetShare#ofPartitions}): before it joined, one partition's worth; a pod alone gets every
 * partition and so the whole key.
 */
public final class FleetView implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(FleetView.class);

  /** The shortest time between two reads of the group by one pod. */
  static final long REFRESH_MILLIS = 2_000;

  /** Each pod in the group stretches every pod's read interval by this much. */
  static final long READ_MILLIS_PER_POD = 100;

  /**
   * How long a split read from the group holds when the group can no longer be read (or three read
   * intervals, when those are longer).
   */
  static final long STALE_MILLIS = 10_000;

  /** What the pod knows of itself: its member id in the group, and its partitions. */
  public interface Self {
    /** The member id the group knows this pod by; null before it joined. */
    String memberId();

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
      String groupId,
      String topic,
      int partitions,
      int tasks,
      double callsPerSecond,
      ToIntFunction<String> weight) {
    public Fleet {
      if (partitions < 1) {
        throw new IllegalArgumentException(
            "the requests topic must have at least 1 partition but had " + partitions);
      }
    }

    /** A fleet whose tenants all weigh the same. */
    public Fleet(String groupId, String topic, int partitions, int tasks, double callsPerSecond) {
      this(groupId, topic, partitions, tasks, callsPerSecond, tenant -> 1);
    }
  }

  private final GroupReader group;
  private final Fleet fleet;
  private final Self self;
  private final KeyBudget budget;
  private final LongSupplier clock;
  private final ScheduledExecutorService scheduler;
  private volatile int members = 1;
  private volatile boolean byGroup;
  private long readAt;
  private boolean warned;

  public FleetView(Admin admin, Fleet fleet, Self self, KeyBudget budget, LongSupplier clock) {
    this(GroupReader.of(admin, fleet.groupId()), fleet, self, budget, clock);
  }

  FleetView(GroupReader group, Fleet fleet, Self self, KeyBudget budget, LongSupplier clock) {
    this.group = group;
    this.fleet = fleet;
    this.self = self;
    this.budget = budget;
    this.clock = clock;
    this.scheduler =
        Executors.newSingleThreadScheduledExecutor(
            runnable -> {
              Thread thread = new Thread(runnable, "fleet-view");
              thread.setDaemon(true);
              return thread;
            });
  }

  /** The share a pod starts from: one partition's worth, as it owns none before it joined. */
  public static FleetShare.Share beforeJoining(Fleet fleet) {
    return FleetShare.ofPartitions(0, fleet.partitions(), fleet.tasks(), fleet.callsPerSecond());
  }

  public FleetView start() {
    scheduler.execute(this::refreshAndReschedule);
    return this;
  }

  private void refreshAndReschedule() {
    try {
      refresh();
    } catch (RuntimeException e) {
      log.error("Reading the fleet of consumer group {} failed", fleet.groupId(), e);
    } finally {
      if (!scheduler.isShutdown()) {
        scheduler.schedule(this::refreshAndReschedule, readIntervalMillis(), TimeUnit.MILLISECONDS);
      }
    }
  }

  /**
   * How long until this pod reads the group again: {@value #REFRESH_MILLIS} ms, or {@value
   * #READ_MILLIS_PER_POD} ms for each pod in the group as last read, whichever is longer.
   */
  long readIntervalMillis() {
    return Math.max(REFRESH_MILLIS, members * READ_MILLIS_PER_POD);
  }

  private long staleMillis() {
    return Math.max(STALE_MILLIS, 3 * readIntervalMillis());
  }

  /** Pods in the group as it was last read; 1 before, and while the share is by partitions. */
  public int members() {
    return members;
  }

  /** Whether the share comes from a recent read of the group (else from this pod's partitions). */
  public boolean byGroup() {
    return byGroup;
  }

  /** {@code nimble_worker_key_split_by_group}: 1 while the share comes from the group, else 0. */
  public void bindMetrics(MeterRegistry registry) {
    Gauge.builder("nimble_worker_key_split_by_group", this, v -> v.byGroup() ? 1 : 0)
        .description(
            "1 while this worker's share of the Nimble key comes from a read of its consumer"
                + " group; 0 while it takes its partitions' share (before it joined, or when it"
                + " cannot read the group)")
        .register(registry);
  }

  void refresh() {
    String me = self.memberId();
    if (me != null && !me.isEmpty() && readGroup(me)) {
      return;
    }
    if (byGroup && clock.getAsLong() - readAt <= staleMillis()) {
      return; // a recent split from the group still holds
    }
    FleetShare.Share share = byPartitions();
    if (byGroup) {
      log.info(
          "Sharing the Nimble key by this pod's partitions ({} of {}) until consumer group {}"
              + " can be read again",
          self.assignedPartitions(),
          fleet.partitions(),
          fleet.groupId());
    }
    byGroup = false;
    members = 1;
    budget.share(share);
  }

  private FleetShare.Share byPartitions() {
    return FleetShare.ofPartitions(
        self.assignedPartitions(), fleet.partitions(), fleet.tasks(), fleet.callsPerSecond());
  }

  /** Reads the group and shares by it; false when it cannot, or this pod is not in it. */
  private boolean readGroup(String me) {
    GroupReader.Snapshot read;
    try {
      read = group.read();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    } catch (Exception e) {
      if (!warned) {
        warned = true;
        log.warn(
            "Could not read consumer group {} to share the Nimble key with the other pods ({});"
                + " taking this pod's partitions' share of the key ({} of {}) while it cannot,"
                + " and slowing down on 429s",
            fleet.groupId(),
            e.getCause() != null ? e.getCause().toString() : e.toString(),
            self.assignedPartitions(),
            fleet.partitions());
      }
      return false;
    }
    warned = false;
    int index = indexOf(read.members(), me);
    if (index < 0) {
      return false; // this pod is not (yet, or no longer) in the group as read
    }
    List<Map<String, Long>> demands = demands(read.members(), read.offsets());
    if (!byGroup) {
      log.info(
          "Sharing the Nimble key by demand with the {} pods of consumer group {}",
          demands.size(),
          fleet.groupId());
    }
    byGroup = true;
    readAt = clock.getAsLong();
    members = demands.size();
    budget.share(
        FleetShare.ofClasses(
            demands, index, fleet.tasks(), fleet.callsPerSecond(), fleet.weight()));
    return true;
  }

  /** Each member's demand: the requests its partitions' last commits held, by class. */
  private List<Map<String, Long>> demands(
      Collection<MemberDescription> members, Map<TopicPartition, OffsetAndMetadata> offsets) {
    List<Map<String, Long>> demands = new ArrayList<>(members.size());
    for (MemberDescription member : members) {
      Map<String, Long> demand = new HashMap<>();
      for (TopicPartition tp : member.assignment().topicPartitions()) {
        if (tp.topic().equals(fleet.topic())) {
          HeldCount.demand(offsets.get(tp)).forEach((c, n) -> demand.merge(c, n, Long::sum));
        }
      }
      demands.add(demand);
    }
    return demands;
  }

  private static int indexOf(Collection<MemberDescription> members, String me) {
    int i = 0;
    for (MemberDescription member : members) {
      if (member.consumerId().equals(me)) {
        return i;
      }
      i++;
    }
    return -1;
  }

  /** This pod's facts, read from where they live. */
  public static Self self(Supplier<String> memberId, IntSupplier assignedPartitions) {
    return new Self() {
      @Override
      public String memberId() {
        return memberId.get();
      }

      @Override
      public int assignedPartitions() {
        return assignedPartitions.getAsInt();
      }
    };
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
    group.close();
  }
}
