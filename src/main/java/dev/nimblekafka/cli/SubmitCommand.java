package dev.nimblekafka.cli;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.config.ClientSettings;
import dev.nimblekafka.config.ConfigLoader;
import dev.nimblekafka.config.Durations;
import dev.nimblekafka.request.RequestParser;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.MalformedInputException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

@Command(
    name = "submit",
    mixinStandardHelpOptions = true,
    customSynopsis = {
      "nimble-kafka-worker submit [OPTIONS] FILE",
      "       nimble-kafka-worker submit [OPTIONS] --crawl URL [--limit N] [--depth N]",
      "                                  [--include REGEX]... [--exclude REGEX]...",
      ""
    },
    description = {
      "Produce extraction requests to the requests topic, and with --wait collect their outcomes.",
      "",
      "FILE holds one URL per line (it becomes {\"extract\":{\"url\":...}}), or one JSON request per"
          + " line (JSONL, the request contract). Blank lines and lines starting with # are skipped.",
      "",
      "Lines are read and sent one by one (input of any size, or a pipe that stays open). A line"
          + " that is neither an http(s) URL nor one JSON object stops the command, naming its line"
          + " number: a FILE is checked whole before anything is sent; from stdin the lines before"
          + " the bad one are already sent, and the message says how many. The worker checks the"
          + " request contract itself: a request that breaks it gets a failure outcome.",
      "",
      "With --crawl URL instead of FILE: one crawl request that walks the site from URL (Nimble"
          + " runs one extract task per page it finds), with an id like submit-1a2b3c4d-0. --limit,"
          + " --depth, --include and --exclude shape it; they are checked against Nimble's limits"
          + " before anything is sent.",
      "",
      "With --wait, outcomes are printed as JSON lines, one per request, from the results and"
          + " failures topics (read_committed), with a live progress line on a terminal and a"
          + " summary at the end. Ctrl-C stops waiting; what was submitted is still processed.",
      "A crawl's outcome is its summary (a result of kind crawl: its state and page counts),"
          + " published after its page records. A page record is not an outcome: submit counts"
          + " pages on the progress line (pages so far, succeeded, failed, pages/s) and prints"
          + " them only with --pages. For --crawl, the summary is also printed on stderr.",
      "",
      "Kafka settings come from KAFKA_BOOTSTRAP_SERVERS and KAFKA_*; topic names from"
          + " REQUESTS_TOPIC, RESULTS_TOPIC and FAILURES_TOPIC; in the environment or the"
          + " properties file (--config), as for the worker. Topics that do not exist yet (the"
          + " worker creates them at start) are waited for, up to --timeout.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  nimble-kafka-worker submit examples/urls.txt --wait",
      "  cat requests.jsonl | nimble-kafka-worker submit - --wait -o outcomes.jsonl",
      "  nimble-kafka-worker submit --crawl https://shop.example/ --limit 200 --wait",
      "  nimble-kafka-worker submit --crawl https://example.com/docs/ --depth 3 \\",
      "      --include '^/docs/' --exclude '/changelog/' --wait --pages -o pages.jsonl"
    })
final class SubmitCommand implements Callable<Integer> {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** One JSON value per line, nothing after it. */
  private static final ObjectReader STRICT_JSON =
      JSON.reader().with(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

  @Parameters(
      index = "0",
      arity = "0..1",
      paramLabel = "FILE",
      description = "File of URLs or JSON requests to read, or - for stdin (not with --crawl).")
  String file;

  @ArgGroup(exclusive = false, validate = false, heading = "%nA crawl, instead of FILE:%n")
  CrawlOptions crawl;

  /** The options of {@code --crawl}: the crawl body's fields. */
  static final class CrawlOptions {
    @Option(
        names = "--crawl",
        paramLabel = "URL",
        description = "Submit one crawl request that walks the site from this http(s) URL.")
    String url;

    @Option(
        names = "--limit",
        paramLabel = "N",
        description = "Crawl at most N pages, 1 to 10000 (Nimble's default without it).")
    Integer limit;

    @Option(
        names = "--depth",
        paramLabel = "N",
        description =
            "Follow links at most N levels from URL, 1 to 20 (max_discovery_depth; Nimble's"
                + " default without it).")
    Integer depth;

    @Option(
        names = "--include",
        paramLabel = "REGEX",
        description =
            "Crawl only pages whose path matches one of these regular expressions"
                + " (include_paths; repeat for more).")
    List<String> include = new ArrayList<>();

    @Option(
        names = "--exclude",
        paramLabel = "REGEX",
        description =
            "Skip pages whose path matches one of these regular expressions (exclude_paths;"
                + " repeat for more).")
    List<String> exclude = new ArrayList<>();
  }

  @Option(names = "--wait", description = "Wait for every request's outcome and print it.")
  boolean waitForOutcomes;

  @Option(
      names = "--pages",
      description =
          "With --wait: print each page record of a crawl (a JSON line, as it arrives, before the"
              + " crawl's summary). Without it pages are only counted.")
  boolean pages;

  @Option(
      names = "--timeout",
      paramLabel = "DURATION",
      defaultValue = "10m",
      description =
          "Give up waiting (for the topics and the outcomes) after this long (default"
              + " ${DEFAULT-VALUE}).")
  String timeout;

  @Option(
      names = {"-o", "--output"},
      paramLabel = "FILE",
      description = "Write outcomes to this file instead of stdout.")
  Path output;

  @Option(names = "--no-progress", description = "No progress line on stderr.")
  boolean noProgress;

  @Mixin ConfigOption configOption;

  @Spec CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    checkOptions();
    long deadline = System.nanoTime() + Durations.parse("--timeout", timeout).toNanos();
    ClientSettings settings = ConfigLoader.loadClient(configOption.source(true));
    String run = UUID.randomUUID().toString().substring(0, 8);
    ObjectNode crawlRequest =
        crawling()
            ? CrawlRequest.of(
                "submit-" + run + "-0",
                crawl.url,
                crawl.limit,
                crawl.depth,
                crawl.include,
                crawl.exclude)
            : null;
    if (crawlRequest == null && !"-".equals(file)) {
      checkFile(Path.of(file)); // a file can be read twice: nothing is sent if a line is bad
    }
    awaitRequestsTopic(settings, deadline);
    OutcomeReader reader =
        waitForOutcomes ? OutcomeReader.fromNow(settings, System.err) : null; // before producing
    Set<String> ids = Collections.synchronizedSet(new LinkedHashSet<>());
    AtomicReference<Exception> refused = new AtomicReference<>();
    try (KafkaProducer<byte[], byte[]> producer = producer(settings)) {
      if (crawlRequest != null) {
        send(producer, settings, crawlRequest, ids, refused);
      } else {
        sendLines(producer, settings, run, ids, refused);
      }
    }
    if (refused.get() != null) {
      throw new KafkaException(
          "Kafka refused a request after "
              + count(ids.size(), "request")
              + " were sent: "
              + refused.get().getMessage(),
          refused.get());
    }
    if (crawlRequest != null) {
      System.err.printf(
          "submitted crawl request %s of %s to %s%n",
          crawlRequest.path("request_id").asText(), crawl.url, settings.topics().requests());
    } else {
      System.err.printf("submitted %d requests to %s%n", ids.size(), settings.topics().requests());
    }
    if (reader == null) {
      return ExitCodes.OK;
    }
    try (reader;
        PrintStream out =
            output == null
                ? System.out
                : new PrintStream(Files.newOutputStream(output), true, StandardCharsets.UTF_8)) {
      boolean live = !noProgress && System.console() != null;
      Progress progress = new Progress(ids.size(), live && crawlRequest == null);
      PageProgress pageProgress =
          new PageProgress(crawling() ? crawl.limit : null, live && crawlRequest != null);
      AtomicBoolean finished = new AtomicBoolean();
      Thread interrupted =
          new Thread(
              () -> {
                if (!finished.get()) {
                  progress.finish();
                  pageProgress.finish();
                  System.err.printf(
                      "stopped waiting; %s submitted, and the workers still process them (see"
                          + " `tail`)%n",
                      count(ids.size(), "request"));
                }
              },
              "submit-interrupted");
      Runtime.getRuntime().addShutdownHook(interrupted);
      OutcomeReader.Summary summary =
          reader.collect(
              ids,
              Duration.ofNanos(Math.max(0, deadline - System.nanoTime())),
              outcome -> {
                out.println(outcome.json());
                progress.update(outcome.failed());
                if (crawlRequest != null && outcome.crawlSummary()) {
                  pageProgress.finish();
                  System.err.println(CrawlLines.summary(outcome.value().path("result")));
                }
              },
              page -> {
                if (pages) {
                  out.println(page.json());
                }
                pageProgress.page(page.value().has("error"));
              });
      finished.set(true);
      progress.finish();
      pageProgress.finish();
      if (!reader.missingTopics().isEmpty()) {
        System.err.printf(
            "gave up waiting for %s to be created%n", String.join(" and ", reader.missingTopics()));
      }
      System.err.printf(
          "%s, %s, %d still pending%n",
          count(summary.results(), "result"),
          count(summary.failures(), "failure"),
          ids.size() - summary.results() - summary.failures());
      return exitCode(ids.size(), summary);
    }
  }

  /**
   * {@link ExitCodes#PARTLY} while outcomes are pending; {@link ExitCodes#REQUESTS_FAILED} when
   * every outcome arrived and a request failed (a failure record, or a crawl that failed or was
   * canceled); else {@link ExitCodes#OK}.
   */
  static int exitCode(int submitted, OutcomeReader.Summary summary) {
    if (summary.results() + summary.failures() < submitted) {
      return ExitCodes.PARTLY;
    }
    return summary.unsuccessful() > 0 ? ExitCodes.REQUESTS_FAILED : ExitCodes.OK;
  }

  private boolean crawling() {
    return crawl != null && crawl.url != null;
  }

  /** FILE or --crawl URL, one of the two; the crawl's options only with --crawl. */
  private void checkOptions() {
    if (crawl != null && crawl.url == null) {
      throw new ParameterException(
          spec.commandLine(), "--limit, --depth, --include and --exclude shape a --crawl URL");
    }
    if (crawling() && file != null) {
      throw new ParameterException(
          spec.commandLine(), "give FILE or --crawl URL, not both (FILE was " + file + ")");
    }
    if (!crawling() && file == null) {
      throw new ParameterException(spec.commandLine(), "give FILE (or - for stdin) or --crawl URL");
    }
    if (pages && !waitForOutcomes) {
      throw new ParameterException(
          spec.commandLine(), "--pages prints what --wait reads: add --wait");
    }
  }

  private static void send(
      KafkaProducer<byte[], byte[]> producer,
      ClientSettings settings,
      ObjectNode request,
      Set<String> ids,
      AtomicReference<Exception> refused)
      throws JsonProcessingException {
    String id = request.path("request_id").asText(null);
    producer.send(
        new ProducerRecord<>(
            settings.topics().requests(),
            id == null ? null : id.getBytes(StandardCharsets.UTF_8),
            JSON.writeValueAsBytes(request)),
        (meta, error) -> {
          if (error != null) {
            refused.compareAndSet(null, error);
          } else {
            ids.add(
                id != null
                    ? id
                    : RequestParser.derivedId(meta.topic(), meta.partition(), meta.offset()));
          }
        });
  }

  /** Sends the input's requests, line by line; a bad line stops it, saying how many were sent. */
  private void sendLines(
      KafkaProducer<byte[], byte[]> producer,
      ClientSettings settings,
      String run,
      Set<String> ids,
      AtomicReference<Exception> refused)
      throws IOException {
    int sent = 0;
    try (BufferedReader in = open()) {
      int lineNumber = 0;
      String line;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        String trimmed = line.strip();
        if (trimmed.isEmpty() || trimmed.startsWith("#")) {
          continue;
        }
        ObjectNode request;
        try {
          request = toRequest(trimmed, lineNumber, run, sent);
        } catch (BadInput e) {
          producer.flush();
          throw new BadInput(
              e.getMessage()
                  + "; stopped there: the "
                  + count(sent, "request")
                  + " before it were sent and will be processed");
        }
        send(producer, settings, request, ids, refused);
        sent++;
      }
    }
  }

  /** The producer would block and fail on a topic that does not exist: wait for it instead. */
  private static void awaitRequestsTopic(ClientSettings settings, long deadline)
      throws InterruptedException {
    List<String> topic = List.of(settings.topics().requests());
    try (KafkaConsumer<byte[], byte[]> probe = Clients.consumer(settings, Map.of())) {
      if (Clients.missing(probe, topic).isEmpty()) {
        return;
      }
      System.err.printf(
          "waiting for %s to be created (the worker creates missing topics at start)%n",
          topic.get(0));
      while (!Clients.missing(probe, topic).isEmpty()) {
        if (System.nanoTime() > deadline) {
          throw new CliFailure(
              topic.get(0) + " does not exist; start the worker (CREATE_TOPICS) or create it");
        }
        Thread.sleep(500);
      }
    }
  }

  private BufferedReader open() throws IOException {
    return "-".equals(file)
        ? new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8))
        : Files.newBufferedReader(Path.of(file), StandardCharsets.UTF_8);
  }

  /** Reads the whole file line by line (nothing kept) and throws at its first bad line. */
  private static void checkFile(Path path) throws IOException {
    try (BufferedReader in = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
      int lineNumber = 0;
      String line;
      while ((line = in.readLine()) != null) {
        lineNumber++;
        String trimmed = line.strip();
        if (!trimmed.isEmpty() && !trimmed.startsWith("#")) {
          toRequest(trimmed, lineNumber, "check", 0);
        }
      }
    } catch (BadInput e) {
      throw new BadInput(path + " " + e.getMessage() + "; nothing was sent");
    } catch (MalformedInputException e) {
      throw new BadInput(path + " is not UTF-8 text; nothing was sent");
    }
  }

  /**
   * A JSON line is sent as it is, if it is one JSON object; a URL line becomes an extract request
   * with a fresh id. Anything else is refused, naming the line.
   */
  static ObjectNode toRequest(String line, int lineNumber, String run, int n) {
    if (line.startsWith("{")) {
      try {
        return (ObjectNode) STRICT_JSON.readTree(line);
      } catch (JsonProcessingException e) {
        int column = e.getLocation() == null ? -1 : e.getLocation().getColumnNr();
        throw new BadInput(
            "line "
                + lineNumber
                + (column > 0 ? ", column " + column : "")
                + ": not a JSON object: "
                + e.getOriginalMessage());
      }
    }
    if (!isUrl(line)) {
      throw new BadInput(
          "line "
              + lineNumber
              + ": neither a JSON request (a line starting with {) nor an http(s) URL: "
              + (line.length() > 80 ? line.substring(0, 80) + "..." : line));
    }
    ObjectNode request = JSON.createObjectNode();
    request.put("request_id", "submit-" + run + "-" + n);
    request.putObject("extract").put("url", line);
    return request;
  }

  private static boolean isUrl(String line) {
    try {
      URI uri = new URI(line);
      return ("http".equalsIgnoreCase(uri.getScheme()) || "https".equalsIgnoreCase(uri.getScheme()))
          && uri.getHost() != null;
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static KafkaProducer<byte[], byte[]> producer(ClientSettings settings) {
    var props = settings.properties(ProducerConfig.configNames());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
    props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, (int) Duration.ofSeconds(30).toMillis());
    return new KafkaProducer<>(props);
  }

  private static String count(long n, String noun) {
    return n + " " + noun + (n == 1 ? "" : "s");
  }
}
