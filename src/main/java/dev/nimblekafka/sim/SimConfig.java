package dev.nimblekafka.sim;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

/**
 * Everything a {@link NimbleSimulator} is started with. Immutable; build one with {@link
 * #builder()} or change a copy with {@link #toBuilder()}. Every check names the setting and the bad
 * value.
 *
 * @param host address to bind ({@code 127.0.0.1} by default; {@code 0.0.0.0} for all interfaces)
 * @param port port to bind; 0 picks a free one
 * @param apiKey the only key accepted as {@code Authorization: Bearer <key>}; null accepts any
 *     non-empty key
 * @param publicUrl base of the {@code status_url}/{@code download_url} written in tasks; null uses
 *     the address the simulator listens on
 * @param accountName the {@code account_name} of every task
 * @param maxConcurrentTasks the plan's limit on tasks running at once (starter 10, growth 50, pro
 *     100); further tasks wait, first in first out
 * @param taskDuration how long a task runs once it has a slot
 * @param failureRate share of tasks that end failed instead of completed
 * @param states the task-state names written
 * @param requestsPerSecond API calls per second allowed per key (0: no limit); more get 429
 * @param pendingExpiry tasks that never started are gone after this long
 * @param retention finished tasks and their results are gone this long after they finished
 * @param resultSizeBytes result bodies are padded to about this size (0: their natural size)
 * @param storageDir the folder that stands for storage buckets; null uses a new temporary folder
 *     (deleted on close)
 * @param callbackTimeout connect and response timeout of each {@code callback_url} POST
 * @param httpThreads threads handling API calls
 * @param faults faults in force from the start
 * @param clock source of timestamps, retention, expiry and fault periods
 */
public record SimConfig(
    String host,
    int port,
    String apiKey,
    String publicUrl,
    String accountName,
    int maxConcurrentTasks,
    DurationDistribution taskDuration,
    double failureRate,
    StateVocabulary states,
    int requestsPerSecond,
    Duration pendingExpiry,
    Duration retention,
    long resultSizeBytes,
    Path storageDir,
    Duration callbackTimeout,
    int httpThreads,
    FaultSettings faults,
    Clock clock) {

  public static final int STARTER_PLAN = 10;
  public static final int GROWTH_PLAN = 50;
  public static final int PRO_PLAN = 100;
  public static final int DEFAULT_REQUESTS_PER_SECOND = 83;
  public static final Duration DEFAULT_PENDING_EXPIRY = Duration.ofHours(24);
  public static final Duration DEFAULT_RETENTION = Duration.ofHours(48);

  public SimConfig {
    Objects.requireNonNull(host, "host must be set");
    if (port < 0 || port > 65_535) {
      throw new IllegalArgumentException("port must be in [0, 65535] but was " + port);
    }
    if (apiKey != null && apiKey.isBlank()) {
      throw new IllegalArgumentException("apiKey must not be blank (use null to accept any key)");
    }
    Objects.requireNonNull(accountName, "accountName must be set");
    if (maxConcurrentTasks < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentTasks must be >= 1 but was " + maxConcurrentTasks);
    }
    Objects.requireNonNull(taskDuration, "taskDuration must be set");
    if (!(failureRate >= 0 && failureRate <= 1)) {
      throw new IllegalArgumentException("failureRate must be in [0, 1] but was " + failureRate);
    }
    Objects.requireNonNull(states, "states must be set");
    if (requestsPerSecond < 0) {
      throw new IllegalArgumentException(
          "requestsPerSecond must be >= 0 (0: no limit) but was " + requestsPerSecond);
    }
    requirePositive("pendingExpiry", pendingExpiry);
    requirePositive("retention", retention);
    if (resultSizeBytes < 0 || resultSizeBytes > 512L * 1024 * 1024) {
      throw new IllegalArgumentException(
          "resultSizeBytes must be in [0, 512MB] but was " + resultSizeBytes);
    }
    requirePositive("callbackTimeout", callbackTimeout);
    if (httpThreads < 1) {
      throw new IllegalArgumentException("httpThreads must be >= 1 but was " + httpThreads);
    }
    Objects.requireNonNull(faults, "faults must be set");
    Objects.requireNonNull(clock, "clock must be set");
  }

  /** The defaults: loopback, a free port, any key, pro plan, 1 s tasks, Nimble's limits. */
  public static SimConfig defaults() {
    return builder().build();
  }

  public static Builder builder() {
    return new Builder();
  }

  public Builder toBuilder() {
    return new Builder(this);
  }

  /**
   * Reads a plan: {@code starter} (10), {@code growth} (50), {@code pro} (100) or a number of
   * concurrent tasks.
   */
  public static int planConcurrency(String plan) {
    String p = plan.trim().toLowerCase(Locale.ROOT);
    switch (p) {
      case "starter":
        return STARTER_PLAN;
      case "growth":
        return GROWTH_PLAN;
      case "pro":
        return PRO_PLAN;
      default:
        try {
          int n = Integer.parseInt(p);
          if (n >= 1) {
            return n;
          }
        } catch (NumberFormatException e) {
          // reported below
        }
        throw new IllegalArgumentException(
            "plan must be starter, growth, pro or a number >= 1 but was '" + plan + "'");
    }
  }

  /** Never shows the API key. */
  @Override
  public String toString() {
    return "SimConfig[host="
        + host
        + ", port="
        + port
        + ", apiKey="
        + (apiKey == null ? "any" : "****")
        + ", publicUrl="
        + publicUrl
        + ", accountName="
        + accountName
        + ", maxConcurrentTasks="
        + maxConcurrentTasks
        + ", taskDuration="
        + taskDuration.spec()
        + ", failureRate="
        + failureRate
        + ", states="
        + states.cliName()
        + ", requestsPerSecond="
        + requestsPerSecond
        + ", pendingExpiry="
        + Units.format(pendingExpiry)
        + ", retention="
        + Units.format(retention)
        + ", resultSizeBytes="
        + resultSizeBytes
        + ", storageDir="
        + storageDir
        + ", httpThreads="
        + httpThreads
        + ", faults="
        + faults
        + "]";
  }

  private static void requirePositive(String name, Duration value) {
    if (value == null || value.isNegative() || value.isZero()) {
      throw new IllegalArgumentException(name + " must be > 0 but was " + value);
    }
  }

  /** Collects settings; {@link #build()} checks them. Not thread-safe; not shared with results. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private String apiKey;
    private String publicUrl;
    private String accountName = "sim-account";
    private int maxConcurrentTasks = PRO_PLAN;
    private DurationDistribution taskDuration = DurationDistribution.fixed(Duration.ofSeconds(1));
    private double failureRate;
    private StateVocabulary states = StateVocabulary.NIMBLE_DOCS;
    private int requestsPerSecond = DEFAULT_REQUESTS_PER_SECOND;
    private Duration pendingExpiry = DEFAULT_PENDING_EXPIRY;
    private Duration retention = DEFAULT_RETENTION;
    private long resultSizeBytes;
    private Path storageDir;
    private Duration callbackTimeout = Duration.ofSeconds(5);
    private int httpThreads = 8;
    private FaultSettings faults = FaultSettings.NONE;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    private Builder(SimConfig c) {
      host = c.host;
      port = c.port;
      apiKey = c.apiKey;
      publicUrl = c.publicUrl;
      accountName = c.accountName;
      maxConcurrentTasks = c.maxConcurrentTasks;
      taskDuration = c.taskDuration;
      failureRate = c.failureRate;
      states = c.states;
      requestsPerSecond = c.requestsPerSecond;
      pendingExpiry = c.pendingExpiry;
      retention = c.retention;
      resultSizeBytes = c.resultSizeBytes;
      storageDir = c.storageDir;
      callbackTimeout = c.callbackTimeout;
      httpThreads = c.httpThreads;
      faults = c.faults;
      clock = c.clock;
    }

    public Builder host(String value) {
      host = value;
      return this;
    }

    public Builder port(int value) {
      port = value;
      return this;
    }

    public Builder apiKey(String value) {
      apiKey = value;
      return this;
    }

    public Builder publicUrl(String value) {
      publicUrl = value;
      return this;
    }

    public Builder accountName(String value) {
      accountName = value;
      return this;
    }

    public Builder maxConcurrentTasks(int value) {
      maxConcurrentTasks = value;
      return this;
    }

    /** {@code starter}, {@code growth}, {@code pro} or a number; see {@link #planConcurrency}. */
    public Builder plan(String value) {
      maxConcurrentTasks = planConcurrency(value);
      return this;
    }

    public Builder taskDuration(DurationDistribution value) {
      taskDuration = value;
      return this;
    }

    public Builder taskDuration(Duration value) {
      taskDuration = DurationDistribution.fixed(value);
      return this;
    }

    public Builder failureRate(double value) {
      failureRate = value;
      return this;
    }

    public Builder states(StateVocabulary value) {
      states = value;
      return this;
    }

    public Builder requestsPerSecond(int value) {
      requestsPerSecond = value;
      return this;
    }

    public Builder pendingExpiry(Duration value) {
      pendingExpiry = value;
      return this;
    }

    public Builder retention(Duration value) {
      retention = value;
      return this;
    }

    public Builder resultSizeBytes(long value) {
      resultSizeBytes = value;
      return this;
    }

    public Builder storageDir(Path value) {
      storageDir = value;
      return this;
    }

    public Builder callbackTimeout(Duration value) {
      callbackTimeout = value;
      return this;
    }

    public Builder httpThreads(int value) {
      httpThreads = value;
      return this;
    }

    public Builder faults(FaultSettings value) {
      faults = value;
      return this;
    }

    public Builder clock(Clock value) {
      clock = value;
      return this;
    }

    public SimConfig build() {
      return new SimConfig(
          host,
          port,
          apiKey,
          publicUrl,
          accountName,
          maxConcurrentTasks,
          taskDuration,
          failureRate,
          states,
          requestsPerSecond,
          pendingExpiry,
          retention,
          resultSizeBytes,
          storageDir,
          callbackTimeout,
          httpThreads,
          faults,
          clock);
    }
  }
}
