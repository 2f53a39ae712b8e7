package dev.nimblekafka.sim;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for Nimble's web-extraction API (v1 and v2 on one port), faithful in everything
 * a client can observe: the documented endpoints and bodies, task states, error shapes, plan
 * concurrency, the per-key rate, retention, callbacks and storage delivery, crawls of a synthetic
 * site ({@link CrawlRunner}); plus injected faults and counters.
 *
 * <pre>{@code
 * try (NimbleSimulator sim = NimbleSimulator.start(
 *     SimConfig.builder().apiKey("k").taskDuration(Duration.ofMillis(50)).build())) {
 *   String base = sim.baseUrl();      // http://127.0.0.1:<random port>
 *   sim.faults().rateLimitStorm(Duration.ofSeconds(2));
 *   SimStats stats = sim.stats();
 * }
 * }</pre>
 *
 * <p>Choices where Nimble documents nothing: results asked before a task finished or of a failed
 * task are 404s with their own messages ({@link ReadEndpoints}); a synchronous call whose task
 * fails answers 500 with the documented body ({@link CreateEndpoints}); 401 is {@code
 * {"status":"failed","msg":"Unauthorized"}}; expired tasks answer the documented 404 {@code Task
 * not found}; the 429 of a storm carries {@code Retry-After} ({@link ApiHandler}).
 */
public final class NimbleSimulator implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NimbleSimulator.class);

  static {
    // Without TCP_NODELAY the JDK server's separate header and body writes meet the client's
    // delayed ACK and every small response waits ~40 ms. Read once, when the first server starts.
    if (System.getProperty("sun.net.httpserver.nodelay") == null) {
      System.setProperty("sun.net.httpserver.nodelay", "true");
    }
  }

  private final SimConfig config;
  private final HttpServer server;
  private final String baseUrl;
  private final Path storageDir;
  private final boolean ownsStorageDir;
  private final ScheduledThreadPoolExecutor scheduler;
  private final ExecutorService storageExecutor;
  private final ThreadPoolExecutor httpExecutor;
  private final CallbackSender callbacks;
  private final StatsRecorder stats;
  private final TaskStore store;
  private final TaskRunner runner;
  private final CrawlStore crawlStore;
  private final CrawlRunner crawls;
  private final SimFaults faults;

  private NimbleSimulator(SimConfig config) throws IOException {
    this.config = config;
    this.ownsStorageDir = config.storageDir() == null;
    this.storageDir =
        ownsStorageDir
            ? Files.createTempDirectory("nimble-sim-storage-")
            : Files.createDirectories(config.storageDir());
    this.scheduler = new ScheduledThreadPoolExecutor(2, new SimThreads("scheduler"));
    scheduler.setRemoveOnCancelPolicy(true);
    this.storageExecutor = Executors.newFixedThreadPool(2, new SimThreads("storage"));
    this.httpExecutor =
        new ThreadPoolExecutor(
            config.httpThreads(),
            config.httpThreads(),
            60,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            new SimThreads("http"));
    this.stats = new StatsRecorder();
    this.store = new TaskStore(config.pendingExpiry().toMillis(), config.retention().toMillis());
    this.server = HttpServer.create(new InetSocketAddress(config.host(), config.port()), 1024);
    String clientHost =
        config.host().equals("0.0.0.0") || config.host().equals("::") ? "127.0.0.1" : config.host();
    this.baseUrl = "http://" + clientHost + ":" + server.getAddress().getPort();
    String publicUrl =
        config.publicUrl() == null ? baseUrl : config.publicUrl().replaceAll("/+$", "");
    TaskJson taskJson = new TaskJson(config.states(), publicUrl, config.accountName());
    ResultFactory results = new ResultFactory(config.resultSizeBytes());
    this.callbacks = new CallbackSender(config.callbackTimeout(), taskJson, stats);
    TaskFinisher finisher =
        new TaskFinisher(
            config.clock(),
            results,
            new StorageWriter(storageDir),
            storageExecutor,
            callbacks,
            stats);
    this.runner =
        new TaskRunner(
            config.maxConcurrentTasks(),
            scheduler,
            config.clock(),
            store,
            task -> finisher.finish(task).whenComplete((done, error) -> crawlPageEnded(task)),
            task -> {
              stats.tasksExpired.increment();
              crawlPageEnded(task);
            });
    this.faults = new SimFaults(config.clock()).apply(config.faults());
    TaskFactory factory = new TaskFactory(config, store, runner, stats);
    this.crawlStore = new CrawlStore(config.retention().toMillis());
    CrawlJson crawlJson = new CrawlJson(config.accountName());
    this.crawls =
        new CrawlRunner(
            factory, runner, crawlStore, crawlJson, callbacks, stats, scheduler, config.clock());
    ResponseWriter writer = new ResponseWriter(scheduler, httpExecutor);
    server.createContext(
        "/",
        new ApiHandler(
            config.apiKey(),
            faults,
            new RateLimiter(config.requestsPerSecond()),
            stats,
            new CreateEndpoints(factory, store, taskJson, results, httpExecutor),
            new ReadEndpoints(store, taskJson, results, config.states(), config.clock()),
            new CrawlEndpoints(crawls, crawlStore, crawlJson, config.clock()),
            scheduler,
            httpExecutor,
            writer));
    server.createContext("/sim/", new AdminHandler(this::stats, this::resetStats, faults, writer));
    server.setExecutor(httpExecutor);
  }

  /** Starts a simulator; with port 0 it listens on a free port (see {@link #port()}). */
  public static NimbleSimulator start(SimConfig config) throws IOException {
    NimbleSimulator sim = new NimbleSimulator(config);
    sim.server.start();
    long sweep = sweepInterval(config);
    sim.scheduler.scheduleWithFixedDelay(sim::sweep, sweep, sweep, TimeUnit.MILLISECONDS);
    log.info("Nimble simulator listening on {} ({})", sim.baseUrl, config);
    return sim;
  }

  /** The address to call, e.g. {@code http://127.0.0.1:43123}; no trailing slash. */
  public String baseUrl() {
    return baseUrl;
  }

  public int port() {
    return server.getAddress().getPort();
  }

  public SimConfig config() {
    return config;
  }

  /** The folder standing for storage buckets. */
  public Path storageDir() {
    return storageDir;
  }

  /** The injected faults, changeable at run time. */
  public SimFaults faults() {
    return faults;
  }

  /** The counters now; the same as {@code GET /sim/stats}. */
  public SimStats stats() {
    return stats.snapshot(runner, store);
  }

  /** Zeroes the counters, as {@code POST /sim/reset} does. Tasks are kept. */
  public void resetStats() {
    stats.reset();
    runner.reset();
    store.forgetInputs();
  }

  /** Stops at once: open connections are closed, waiting calls get no answer. */
  @Override
  public void close() {
    server.stop(0);
    scheduler.shutdownNow();
    storageExecutor.shutdownNow();
    httpExecutor.shutdownNow();
    callbacks.close();
    if (ownsStorageDir) {
      deleteRecursively(storageDir);
    }
    log.info("Nimble simulator on {} stopped", baseUrl);
  }

  /** A task ended or expired: if it is a crawl's page, its crawl goes on. */
  private void crawlPageEnded(SimTask task) {
    crawls.ended(task);
  }

  private void sweep() {
    try {
      long now = config.clock().millis();
      store.sweep(now, runner::expired);
      crawlStore.sweep(now);
    } catch (RuntimeException e) {
      log.error("sweeping expired tasks failed", e);
    }
  }

  private static long sweepInterval(SimConfig config) {
    long shortest = Math.min(config.pendingExpiry().toMillis(), config.retention().toMillis());
    return Math.max(10, Math.min(30_000, shortest / 4));
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(NimbleSimulator::deleteQuietly);
    } catch (IOException | UncheckedIOException e) {
      log.debug("could not delete {}: {}", dir, e.toString());
    }
  }

  private static void deleteQuietly(Path path) {
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.debug("could not delete {}: {}", path, e.toString());
    }
  }
}
