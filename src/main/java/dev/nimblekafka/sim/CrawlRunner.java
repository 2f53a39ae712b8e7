package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.nimblekafka.wire.ApiVersion;
import java.time.Clock;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs crawls: a created crawl is queued, then (on the scheduler, at once) starts running and
 * discovers its first pages; each page is an ordinary extract task that waits for a slot of the
 * plan, runs and is billed like any other. When a page's task completes, the pages it links to are
 * discovered (breadth first, in link order) within the crawl's {@code limit}, {@code
 * max_discovery_depth} and path filters; a failed page discovers nothing. A crawl ends when every
 * discovered page ended: {@code failed} if its start page failed, else {@code succeeded}.
 *
 * <p>{@code sitemap}: {@code skip} discovers the start page and follows links; {@code include} also
 * discovers the sitemap's archive pages at the start (depth 1); {@code only} discovers the start
 * page and the archive pages and follows no links.
 *
 * <p>Cancel: queued pages are dropped (their tasks fail with {@value #CANCELED_ERROR}, never run,
 * never billed, and show as failed in the crawl); running pages finish and are billed. Events are
 * POSTed to the crawl's callback through the {@link CallbackSender}.
 */
final class CrawlRunner {
  private static final Logger log = LoggerFactory.getLogger(CrawlRunner.class);
  static final String CANCELED_ERROR = "Crawl canceled before the page was fetched";
  static final String CANCELED_ERROR_TYPE = "canceled_error";

  private final TaskFactory factory;
  private final TaskRunner runner;
  private final CrawlStore store;
  private final CrawlJson json;
  private final CallbackSender callbacks;
  private final StatsRecorder stats;
  private final Executor executor;
  private final Clock clock;
  private final ConcurrentHashMap<SimTask, SimCrawl.Page> pendingPages = new ConcurrentHashMap<>();

  CrawlRunner(
      TaskFactory factory,
      TaskRunner runner,
      CrawlStore store,
      CrawlJson json,
      CallbackSender callbacks,
      StatsRecorder stats,
      Executor executor,
      Clock clock) {
    this.factory = factory;
    this.runner = runner;
    this.store = store;
    this.json = json;
    this.callbacks = callbacks;
    this.stats = stats;
    this.executor = executor;
    this.clock = clock;
  }

  /** Creates a queued crawl; it starts on the executor. */
  SimCrawl create(CrawlParams params, ApiVersion version) {
    SimCrawl crawl =
        new SimCrawl(
            TaskFactory.randomId(ThreadLocalRandom.current()),
            store.nextSeq(),
            params,
            version,
            clock.millis());
    store.add(crawl);
    stats.crawlsCreated.increment();
    try {
      executor.execute(() -> start(crawl));
    } catch (RejectedExecutionException e) {
      log.debug("crawl {} not started: the simulator is stopping", crawl.id);
    }
    return crawl;
  }

  /** The outcome of a cancel: the crawl was canceled (now or before), or had already ended. */
  enum CancelOutcome {
    CANCELED,
    ALREADY_ENDED
  }

  CancelOutcome cancel(SimCrawl crawl) {
    synchronized (crawl) {
      SimCrawl.Status status = crawl.status();
      if (status == SimCrawl.Status.CANCELED) {
        return CancelOutcome.CANCELED;
      }
      if (status.ended()) {
        return CancelOutcome.ALREADY_ENDED;
      }
      long now = clock.millis();
      crawl.moveTo(SimCrawl.Status.CANCELED, now);
      stats.crawlsCanceled.increment();
      for (SimCrawl.Page page : crawl.pages()) {
        SimTask task = page.task();
        if (task.cancel(now, CANCELED_ERROR, CANCELED_ERROR_TYPE)) {
          runner.canceled(task);
          pendingPages.remove(task);
          crawl.pageEnded(page, now);
          stats.crawlPagesCanceled.increment();
        }
      }
      return CancelOutcome.CANCELED;
    }
  }

  /** A task ended (completed, failed or expired); if it is a crawl's page, the crawl goes on. */
  void ended(SimTask task) {
    SimCrawl.Page page = pendingPages.remove(task);
    if (page == null) {
      return;
    }
    SimCrawl crawl = page.crawl();
    synchronized (crawl) {
      long now = clock.millis();
      crawl.pageEnded(page, now);
      boolean completed = task.phase() == Phase.COMPLETED;
      (completed ? stats.crawlPagesCompleted : stats.crawlPagesFailed).increment();
      send(crawl, "page", page);
      if (crawl.status() != SimCrawl.Status.RUNNING) {
        return;
      }
      if (completed
          && !crawl.params.sitemap().equals("only")
          && page.depth() < crawl.params.maxDiscoveryDepth()) {
        for (String link : crawl.site.links(page.url())) {
          discover(crawl, link, page.depth() + 1, now);
        }
      }
      finishIfDone(crawl, now);
    }
  }

  private void start(SimCrawl crawl) {
    synchronized (crawl) {
      if (crawl.status() != SimCrawl.Status.QUEUED) {
        return;
      }
      long now = clock.millis();
      crawl.moveTo(SimCrawl.Status.RUNNING, now);
      send(crawl, "started", null);
      crawl.discover(crawl.params.url());
      addPage(crawl, crawl.params.url(), 0, crawl.site.startFails, now);
      if (!crawl.params.sitemap().equals("skip")) {
        for (String archive : crawl.site.sitemap()) {
          discover(crawl, archive, 1, now);
        }
      }
      finishIfDone(crawl, now);
    }
  }

  /** Adds a page unless the limit is reached, the filters refuse it or it was seen. */
  private void discover(SimCrawl crawl, String url, int depth, long now) {
    if (crawl.size() >= crawl.params.limit()
        || !crawl.params.admits(SyntheticSite.pathOf(url))
        || !crawl.discover(url)) {
      return;
    }
    addPage(crawl, url, depth, false, now);
  }

  private void addPage(SimCrawl crawl, String url, int depth, boolean fails, long now) {
    ObjectNode input = Json.object();
    input.put("url", url);
    input.setAll(crawl.params.extractOptions().deepCopy());
    SimTask task =
        factory.create(
            new CreateRequests.TaskSpec(ApiType.EXTRACT, null, input, null),
            null,
            false,
            crawl.version,
            fails);
    SimCrawl.Page page = crawl.add(task, url, depth, now);
    pendingPages.put(task, page);
    stats.crawlPagesCreated.increment();
    // queued while the crawl's monitor is held, so a cancel sees every queued page
    factory.submit(task);
  }

  private void finishIfDone(SimCrawl crawl, long now) {
    if (crawl.pending() > 0) {
      return;
    }
    boolean failed = crawl.startFailed();
    crawl.moveTo(failed ? SimCrawl.Status.FAILED : SimCrawl.Status.SUCCEEDED, now);
    (failed ? stats.crawlsFailed : stats.crawlsSucceeded).increment();
    send(crawl, failed ? "failed" : "completed", null);
  }

  private void send(SimCrawl crawl, String event, SimCrawl.Page page) {
    CrawlParams.Callback callback = crawl.params.callback();
    if (callback == null || !callback.wants(event)) {
      return;
    }
    callbacks.post(
        callback.url(),
        callback.headers(),
        Json.bytes(json.event(crawl, event, page)),
        event + " callback of crawl " + crawl.id);
  }
}
