package dev.nimblekafka.worker;

import dev.nimblekafka.config.TenantConfig;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.usage.UsageView;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;

/**
 * The daily task budgets ({@code TENANT_DAILY_TASKS}) as this pod applies them. At each read (a new
 * snapshot of the usage topic, an owned partition gained or lost, a new UTC day) it takes the
 * fleet's tasks created today for each budgeted tenant as the usage topic showed them, every
 * partition alike (its own included, as committed). Its grant is the budget left then, times this
 * pod's share of the key's tasks (rounded up, so the last tasks of a budget are not stranded
 * between pods); what it may still create is that grant less what it created beyond what the read
 * showed of its own partitions: its live ledger and the creates it has out. Tenants without a
 * budget cost one map look-up. Used by the consume loop's thread only (the remaining budgets are
 * published for the meters).
 */
final class TenantBudgets {
  /** One tenant's grant at the last read. */
  private record Grant(long granted, long mineAtRead, long othersAtRead) {}

  private final Map<String, Integer> budgets;
  private final Clock clock;
  private final Supplier<UsageView.Snapshot> view;
  private final Ledger ledger;
  private final TaskBook book;
  private final DoubleSupplier share;
  private final BudgetMeters meters;
  private final Map<String, Grant> grants = new HashMap<>();

  private long readAt = Long.MIN_VALUE;
  private LocalDate day;
  private Set<Integer> owned = Set.of();
  private long loads = -1;

  /**
   * @param view the latest snapshot of the fleet's usage
   * @param share this pod's part of the key's tasks, 0 to 1
   */
  TenantBudgets(
      TenantConfig tenants,
      Clock clock,
      Supplier<UsageView.Snapshot> view,
      Ledger ledger,
      TaskBook book,
      DoubleSupplier share,
      BudgetMeters meters) {
    this.budgets = tenants.dailyTasks();
    this.clock = clock;
    this.view = view;
    this.ledger = ledger;
    this.book = book;
    this.share = share;
    this.meters = meters;
  }

  boolean any() {
    return !budgets.isEmpty();
  }

  Set<String> tenants() {
    return budgets.keySet();
  }

  Integer budget(String tenant) {
    return budgets.get(tenant);
  }

  /** Reads again when there is something new to read: called once a dispatch. */
  void refresh() {
    if (budgets.isEmpty()) {
      return;
    }
    UsageView.Snapshot snapshot = view.get();
    LocalDate today = today();
    if (snapshot.readAt() == readAt
        && today.equals(day)
        && ledger.loads() == loads
        && owned.equals(book.partitions())) {
      publish();
      return;
    }
    readAt = snapshot.readAt();
    day = today;
    loads = ledger.loads();
    owned = Set.copyOf(book.partitions());
    grants.clear();
    if (!snapshot.read()) {
      publish();
      return; // nothing known of the fleet yet: budgeted tenants wait
    }
    double part = Math.max(0, Math.min(1, share.getAsDouble()));
    for (Map.Entry<String, Integer> budget : budgets.entrySet()) {
      String tenant = budget.getKey();
      long others = 0;
      long mine = 0; // this pod's partitions as the same read shows them: committed, read
      for (int partition : snapshot.created().keySet()) {
        long created = snapshot.created(partition, tenant, today);
        if (owned.contains(partition)) {
          mine += created;
        } else {
          others += created;
        }
      }
      grants.put(tenant, new Grant(grant(budget.getValue(), others, mine, part), mine, others));
    }
    publish();
  }

  /**
   * What a pod may create at a read: the budget left (the fleet's creates as read, {@code others}
   * and the pod's own {@code mine}) times its share, rounded up.
   */
  static long grant(long budget, long others, long mine, double share) {
    return (long) Math.ceil(Math.max(0, budget - others - mine) * share);
  }

  /** How many more tasks this pod may create for the tenant now ({@code MAX_VALUE}: no budget). */
  int room(String tenant) {
    if (!budgets.containsKey(tenant)) {
      return Integer.MAX_VALUE;
    }
    Grant grant = grants.get(tenant);
    if (grant == null) {
      return 0;
    }
    long since = mine(tenant, view.get(), day) - grant.mineAtRead();
    return (int) Math.max(0, Math.min(Integer.MAX_VALUE, grant.granted() - since));
  }

  /**
   * Whether the tenant's budget for today is spent as far as this pod knows: the fleet's creates as
   * last read and the tasks this pod created since, its creates still out not counted (one that
   * fails frees its place). False while nothing is known.
   */
  boolean spent(String tenant) {
    long left = remaining(tenant);
    return left != Long.MAX_VALUE && left + book.creating(tenant) <= 0;
  }

  /** The tenant's budget left today as this pod knows it; {@code MAX_VALUE} while unknown. */
  long remaining(String tenant) {
    Integer budget = budgets.get(tenant);
    Grant grant = grants.get(tenant);
    if (budget == null || grant == null) {
      return Long.MAX_VALUE;
    }
    return budget - grant.othersAtRead() - mine(tenant, view.get(), day);
  }

  /**
   * This pod's tasks of the tenant today: its partitions' live totals (as the usage topic holds
   * them for a partition whose totals are not read back yet) and the creates it has out.
   */
  private long mine(String tenant, UsageView.Snapshot snapshot, LocalDate today) {
    long mine = book.creating(tenant);
    for (int partition : owned) {
      long live = ledger.createdToday(partition, tenant);
      mine += live >= 0 ? live : snapshot.created(partition, tenant, today);
    }
    return mine;
  }

  private void publish() {
    for (String tenant : budgets.keySet()) {
      long left = remaining(tenant);
      meters.left(tenant, left == Long.MAX_VALUE ? budgets.get(tenant) : Math.max(0, left));
    }
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }
}
