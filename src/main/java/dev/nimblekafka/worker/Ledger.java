package dev.nimblekafka.worker;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import dev.nimblekafka.task.PendingTask;
import dev.nimblekafka.usage.PriceTable;
import dev.nimblekafka.usage.Usage;
import dev.nimblekafka.usage.UsageCodec;
import java.io.IOException;
import java.math.BigDecimal;
import java.time.Clock;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * Who spent what, kept by the owner of each requests partition: running totals per tenant and UTC
 * day of the tasks created, succeeded (by driver, with their estimated cost), failed and expired,
 * and the Nimble calls made. Totals change as the unit of work's records are written (a create when
 * the state record naming its task is, an end with the outcome), and {@link #flush} writes each
 * total that changed, cumulative, to the usage topic's partition of the same number, in the same
 * transaction: a unit that is replayed is counted again from the totals last committed, so nothing
 * is counted twice or lost. On assignment the partition's totals are read back ({@link #load}).
 * Only today and yesterday are kept. Used by the consume loop's thread only.
 */
final class Ledger {
  /** Where the usage records go: the unit of work. */
  interface Sink {
    void send(int partition, ProducerRecord<byte[], byte[]> record, Runnable onCommit);
  }

  /** One tenant's day in one partition: its totals now, and as far as the meters count them. */
  private static final class Line {
    Usage current;
    Usage metered;
    boolean dirty;
    boolean tasksChanged;
    long writtenAt;

    Line(Usage committed) {
      this.current = committed;
      this.metered = committed;
    }
  }

  private static final JsonFactory JSON = new JsonFactory();

  /**
   * How often a total whose only change is calls is written: calls alone change with nearly every
   * commit, and are not exact across crashes anyway. Tasks are written with the commit that counts
   * them.
   */
  static final long CALLS_EVERY_MS = 5_000;

  /** Distinct drivers kept per tenant and day; more are counted as unknown. */
  static final int MAX_DRIVERS = 16;

  private final String topic;
  private final PriceTable prices;
  private final UsageCodec codec;
  private final Clock clock;
  private final Sink sink;
  private final TenantMeters meters;
  private final Map<Integer, Map<String, Line>> partitions = new HashMap<>();

  /** Moves on each time a partition's totals are read back or dropped. */
  private long loads;

  Ledger(
      String topic,
      PriceTable prices,
      UsageCodec codec,
      Clock clock,
      Sink sink,
      TenantMeters meters) {
    this.topic = topic;
    this.prices = prices;
    this.codec = codec;
    this.clock = clock;
    this.sink = sink;
    this.meters = meters;
  }

  /** A partition's totals as last committed (read back from the usage topic on assignment). */
  void load(int partition, Collection<Usage> committed) {
    Map<String, Line> lines = new HashMap<>();
    LocalDate yesterday = today().minusDays(1);
    for (Usage usage : committed) {
      if (!usage.day().isBefore(yesterday)) {
        lines.put(usage.key(), new Line(usage));
      }
    }
    partitions.put(partition, lines);
    loads++;
  }

  /** Moves on each time a partition's totals are read back or dropped (budgets read again). */
  long loads() {
    return loads;
  }

  /**
   * The tasks created for the tenant today in the partition, committed or not; -1 when the
   * partition's totals are not read back yet.
   */
  long createdToday(int partition, String tenant) {
    Map<String, Line> lines = partitions.get(partition);
    if (lines == null) {
      return -1;
    }
    Line line = lines.get(Usage.key(tenant, today()));
    return line == null ? 0 : line.current.created();
  }

  /** Forgets a partition given away (or replayed): the next owner reads what was committed. */
  void drop(int partition) {
    partitions.remove(partition);
    loads++;
  }

  /** A task was created for the request: counted with the state record that names it. */
  void created(PendingTask task) {
    change(task, u -> with(u, 1, 0, 0, 0, 0, null));
  }

  /**
   * The request's task succeeded at Nimble (what Nimble bills); {@code body} its result, or null.
   */
  void succeeded(PendingTask task, byte[] body) {
    String driver = driver(body);
    change(task, u -> with(u, 0, 1, 0, 0, 0, driver));
  }

  /**
   * The request ends with a failure of this code. A task Nimble finished successfully is billed
   * whatever became of its result, so it counts as succeeded (its driver unknown).
   */
  void failed(PendingTask task, String code) {
    if (task.completedAt() > 0) {
      succeeded(task, null);
    } else if ("TASK_EXPIRED".equals(code)) {
      change(task, u -> with(u, 0, 0, 0, 1, 0, null));
    } else {
      change(task, u -> with(u, 0, 0, 1, 0, 0, null));
    }
  }

  /**
   * A page of the request's crawl ended: a task Nimble created for it, succeeded (billed as an
   * extract, {@code body} its result, or null) or failed. Counted with the page record.
   */
  void page(PendingTask task, byte[] body, boolean succeeded) {
    if (succeeded) {
      String driver = driver(body);
      change(task, u -> with(u, 1, 1, 0, 0, 0, driver));
    } else {
      change(task, u -> with(u, 1, 0, 1, 0, 0, null));
    }
  }

  /** A Nimble call was made for these tasks: one call for each tenant of each partition. */
  void called(List<PendingTask> tasks) {
    Set<String> counted = new HashSet<>();
    for (PendingTask task : tasks) {
      if (counted.add(task.partition() + "|" + tenant(task))) {
        change(task, u -> with(u, 0, 0, 0, 0, 1, null));
      }
    }
  }

  /**
   * Writes into the unit of work every total whose tasks changed since it was last written, and
   * those whose calls alone changed once {@link #CALLS_EVERY_MS} has passed ({@code all}: every
   * total that changed, as before a hand-over or a shutdown), and forgets days before yesterday.
   * The meters move when the records commit.
   */
  void flush(boolean all) {
    LocalDate yesterday = today().minusDays(1);
    long now = clock.millis();
    for (Map.Entry<Integer, Map<String, Line>> part : partitions.entrySet()) {
      int partition = part.getKey();
      for (Iterator<Line> it = part.getValue().values().iterator(); it.hasNext(); ) {
        Line line = it.next();
        boolean old = line.current.day().isBefore(yesterday);
        if (line.dirty
            && (all || old || line.tasksChanged || now - line.writtenAt >= CALLS_EVERY_MS)) {
          Usage snapshot = line.current;
          line.dirty = false;
          line.tasksChanged = false;
          line.writtenAt = now;
          sink.send(
              partition,
              new ProducerRecord<>(
                  topic, partition, codec.key(snapshot), codec.encode(snapshot, clock.millis())),
              () -> metered(line, snapshot));
        }
        if (old) {
          it.remove(); // written: the day is over
        }
      }
    }
  }

  private void metered(Line line, Usage upTo) {
    meters.add(upTo.since(line.metered));
    line.metered = upTo;
  }

  private interface Change {
    Usage apply(Usage usage);
  }

  private void change(PendingTask task, Change change) {
    LocalDate day = today();
    String tenant = tenant(task);
    Line line =
        partitions
            .computeIfAbsent(task.partition(), p -> new HashMap<>())
            .computeIfAbsent(
                Usage.key(tenant, day), k -> new Line(Usage.none(tenant, day, task.partition())));
    long tasks = line.current.tasks();
    line.current = change.apply(line.current);
    line.dirty = true;
    line.tasksChanged |= line.current.tasks() != tasks;
  }

  private Usage with(
      Usage u, long created, long succeeded, long failed, long expired, long calls, String driver) {
    Map<String, Long> drivers = u.succeededByDriver();
    BigDecimal cost = u.costUsd();
    if (succeeded > 0) {
      String name = PriceTable.driverName(driver);
      if (!drivers.containsKey(name) && drivers.size() >= MAX_DRIVERS) {
        name = PriceTable.UNKNOWN;
      }
      drivers = new TreeMap<>(drivers);
      drivers.merge(name, succeeded, Long::sum);
      cost = cost.add(prices.cost(Map.of(name, succeeded)));
    }
    return new Usage(
        u.tenant(),
        u.day(),
        u.partition(),
        u.created() + created,
        u.succeeded() + succeeded,
        u.failed() + failed,
        u.expired() + expired,
        u.calls() + calls,
        drivers,
        cost);
  }

  private LocalDate today() {
    return LocalDate.ofInstant(clock.instant(), ZoneOffset.UTC);
  }

  private static String tenant(PendingTask task) {
    return task.request().placement().tenant();
  }

  /**
   * The driver a result names in its top-level {@code metadata.driver}, read without building the
   * whole body; null when it names none.
   */
  static String driver(byte[] body) {
    if (body == null) {
      return null;
    }
    try (JsonParser parser = JSON.createParser(body)) {
      if (parser.nextToken() != JsonToken.START_OBJECT) {
        return null;
      }
      while (parser.nextToken() == JsonToken.FIELD_NAME) {
        String field = parser.getCurrentName();
        JsonToken value = parser.nextToken();
        if ("metadata".equals(field) && value == JsonToken.START_OBJECT) {
          while (parser.nextToken() == JsonToken.FIELD_NAME) {
            String inner = parser.getCurrentName();
            JsonToken innerValue = parser.nextToken();
            if ("driver".equals(inner) && innerValue == JsonToken.VALUE_STRING) {
              return parser.getText();
            }
            parser.skipChildren();
          }
          return null;
        }
        parser.skipChildren();
      }
      return null;
    } catch (IOException notJson) {
      return null;
    }
  }
}
