package dev.nimblekafka.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.config.ClientSettings;
import dev.nimblekafka.config.ConfigLoader;
import dev.nimblekafka.config.ConfigSource;
import dev.nimblekafka.usage.Usage;
import dev.nimblekafka.usage.UsageCodec;
import java.io.PrintStream;
import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

@Command(
    name = "usage",
    mixinStandardHelpOptions = true,
    description = {
      "Print the usage ledger: per tenant and UTC day, the tasks created at Nimble, those that"
          + " succeeded (what Nimble bills), failed and expired, the Nimble calls made, and the"
          + " estimated cost in US dollars, summed over the partitions of the usage topic.",
      "Settings come from the same variables (and properties file, --config) as the worker"
          + " (KAFKA_BOOTSTRAP_SERVERS, KAFKA_*, USAGE_TOPIC).",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  nimble-kafka-worker usage --day today",
      "  nimble-kafka-worker usage --tenant acme --json"
    })
final class UsageCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Option(
      names = "--day",
      paramLabel = "DAY",
      description = "Only this UTC day: YYYY-MM-DD, today or yesterday.")
  String day;

  @Option(names = "--tenant", paramLabel = "TENANT", description = "Only this tenant.")
  String tenant;

  @Option(names = "--json", description = "Print one JSON object instead of a table.")
  boolean json;

  @Mixin ConfigOption configOption;

  /** Today, by this clock (tests set their own). */
  Clock clock = Clock.systemUTC();

  @Override
  public Integer call() {
    LocalDate only = day == null ? null : day(day);
    ConfigSource source = configOption.source(true);
    ClientSettings settings = ConfigLoader.loadClient(source);
    String topic = ConfigLoader.usageTopic(source);
    List<Usage> usage = filter(sum(read(settings, topic)), only);
    print(usage, topic, System.out);
    return 0;
  }

  private LocalDate day(String text) {
    LocalDate today = LocalDate.now(clock.withZone(ZoneOffset.UTC));
    switch (text) {
      case "today":
        return today;
      case "yesterday":
        return today.minusDays(1);
      default:
        try {
          return LocalDate.parse(text);
        } catch (DateTimeParseException e) {
          throw new CliFailure(
              "--day must be YYYY-MM-DD, today or yesterday but was '" + text + "'");
        }
    }
  }

  /** The latest record of every key in every partition of the topic. */
  private static List<Usage> read(ClientSettings settings, String topic) {
    UsageCodec codec = new UsageCodec(JSON);
    Map<String, Usage> latest = new HashMap<>();
    try (KafkaConsumer<byte[], byte[]> consumer =
        Clients.consumer(settings, Map.of(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 5_000))) {
      if (!Clients.missing(consumer, List.of(topic)).isEmpty()) {
        throw new CliFailure(
            topic + " does not exist yet (the worker creates missing topics at start)");
      }
      List<TopicPartition> parts = new ArrayList<>();
      consumer
          .partitionsFor(topic)
          .forEach(p -> parts.add(new TopicPartition(topic, p.partition())));
      consumer.assign(parts);
      consumer.seekToBeginning(parts);
      Map<TopicPartition, Long> end = consumer.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> consumer.position(tp) < end.get(tp))) {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.key() == null) {
            continue;
          }
          String key = record.partition() + "/" + new String(record.key(), StandardCharsets.UTF_8);
          if (record.value() == null) {
            latest.remove(key);
            continue;
          }
          try {
            latest.put(key, codec.decode(record.value()));
          } catch (IllegalArgumentException unreadable) {
            System.err.printf(
                "skipping %s-%d@%d: %s%n",
                record.topic(), record.partition(), record.offset(), unreadable.getMessage());
          }
        }
      }
    }
    return new ArrayList<>(latest.values());
  }

  /** Per tenant and day, over the partitions. */
  static List<Usage> sum(List<Usage> records) {
    Map<String, Usage> sums = new TreeMap<>();
    for (Usage usage : records) {
      sums.merge(usage.key(), usage, Usage::plus);
    }
    List<Usage> result = new ArrayList<>();
    sums.values()
        .forEach(
            u ->
                result.add(
                    new Usage(
                        u.tenant(),
                        u.day(),
                        -1,
                        u.created(),
                        u.succeeded(),
                        u.failed(),
                        u.expired(),
                        u.calls(),
                        u.succeededByDriver(),
                        u.costUsd())));
    result.sort(Comparator.comparing(Usage::day).thenComparing(Usage::tenant));
    return result;
  }

  private List<Usage> filter(List<Usage> usage, LocalDate only) {
    return usage.stream()
        .filter(u -> only == null || u.day().equals(only))
        .filter(u -> tenant == null || u.tenant().equals(tenant))
        .toList();
  }

  void print(List<Usage> usage, String topic, PrintStream out) {
    if (json) {
      ObjectNode root = JSON.createObjectNode();
      root.put("topic", topic);
      ArrayNode rows = root.putArray("usage");
      UsageCodec codec = new UsageCodec(JSON);
      usage.forEach(u -> codec.fields(rows.addObject(), u));
      out.println(codec.write(root));
      return;
    }
    if (usage.isEmpty()) {
      out.printf("no usage in %s%s%n", topic, day == null && tenant == null ? "" : " that matches");
      return;
    }
    out.printf(
        "%-10s  %-24s  %9s  %9s  %7s  %7s  %9s  %12s  %s%n",
        "day",
        "tenant",
        "created",
        "succeeded",
        "failed",
        "expired",
        "calls",
        "cost_usd",
        "succeeded by driver");
    for (Usage u : usage) {
      StringJoiner drivers = new StringJoiner(",");
      new TreeMap<>(u.succeededByDriver()).forEach((d, n) -> drivers.add(d + "=" + n));
      out.printf(
          "%-10s  %-24s  %9d  %9d  %7d  %7d  %9d  %12s  %s%n",
          u.day(),
          u.tenant(),
          u.created(),
          u.succeeded(),
          u.failed(),
          u.expired(),
          u.calls(),
          dollars(u.costUsd()),
          drivers);
    }
  }

  /** At least cents, every digit there is. */
  private static String dollars(BigDecimal cost) {
    return cost.scale() < 2
        ? cost.setScale(2, RoundingMode.UNNECESSARY).toPlainString()
        : cost.toPlainString();
  }
}
