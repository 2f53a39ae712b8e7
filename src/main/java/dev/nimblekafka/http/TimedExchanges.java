package dev.nimblekafka.http;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The threads of one HTTP port, each exchange on them limited in time. The JDK server reads a
 * request's line, headers and body on these threads, so a client that sends slowly would hold one
 * for as long as it likes: past the limit the thread is interrupted, which closes the socket it is
 * blocked on, and goes back to the pool.
 */
final class TimedExchanges implements Executor, AutoCloseable {
  private final ThreadPoolExecutor pool;
  private final ScheduledThreadPoolExecutor watchdog;
  private final long limitMillis;

  TimedExchanges(String name, int threads, Duration limit) {
    this.limitMillis = limit.toMillis();
    AtomicInteger count = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            new LinkedBlockingQueue<>(),
            r -> daemon(r, name + "-" + count.incrementAndGet()));
    this.watchdog = new ScheduledThreadPoolExecutor(1, r -> daemon(r, name + "-deadlines"));
    watchdog.setRemoveOnCancelPolicy(true);
  }

  @Override
  public void execute(Runnable exchange) {
    pool.execute(() -> runTimed(exchange));
  }

  private void runTimed(Runnable exchange) {
    Running running = new Running(Thread.currentThread());
    ScheduledFuture<?> deadline =
        watchdog.schedule(running::expire, limitMillis, TimeUnit.MILLISECONDS);
    try {
      exchange.run();
    } finally {
      deadline.cancel(false);
      running.finish();
    }
  }

  @Override
  public void close() {
    watchdog.shutdownNow();
    pool.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }

  /** One exchange on its thread; interrupted at most once, and only while it still runs. */
  private static final class Running {
    private final Thread thread;
    private boolean done;

    Running(Thread thread) {
      this.thread = thread;
    }

    synchronized void expire() {
      if (!done) {
        thread.interrupt();
      }
    }

    synchronized void finish() {
      done = true;
      Thread.interrupted(); // a deadline that came as it ended must not reach the next exchange
    }
  }
}
