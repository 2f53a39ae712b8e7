package dev.nimblekafka.worker;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;

/**
 * The JVM and process meters (heap and non-heap memory, GC pauses, threads, class loading, CPU,
 * open files, uptime) from Micrometer's own binders, and {@code nimble_worker_build_info}, so that
 * stock JVM dashboards and the worker's heap and GC alerts have their series.
 */
final class ProcessMeters implements AutoCloseable {
  /** The worker's version: the jar's Implementation-Version, {@code dev} outside a jar. */
  static final String VERSION = BuildVersion.get();

  private final JvmGcMetrics gc;

  private ProcessMeters(JvmGcMetrics gc) {
    this.gc = gc;
  }

  static ProcessMeters bindTo(MeterRegistry registry) {
    new JvmMemoryMetrics().bindTo(registry);
    JvmGcMetrics gc = new JvmGcMetrics();
    gc.bindTo(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new FileDescriptorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
    // dotted, unlike the worker's other meters: the Prometheus registry exposes a gauge as an info
    // series named ..._info only when its name ends in ".info"
    Gauge.builder("nimble.worker.build.info", () -> 1)
        .description("Always 1; the labels say which build runs")
        .tag("version", VERSION)
        .tag("java_version", System.getProperty("java.version", "unknown"))
        .register(registry);
    return new ProcessMeters(gc);
  }

  /** Stops listening to GC notifications. */
  @Override
  public void close() {
    gc.close();
  }
}
