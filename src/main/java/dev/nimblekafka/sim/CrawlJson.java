package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * Writes crawls in the shape of the SDK's {@code CrawlRunResponse} / {@code CrawlStatusResponse}:
 * {@code crawl_id, name?, url, status, account_name, created_at, updated_at, completed_at,
 * crawl_options, extract_options?, total, pending, completed, failed, tasks?}; list items add
 * {@code id} (the same as {@code crawl_id}) and leave {@code tasks} out. Event payloads are the
 * simulator's own shape (Nimble documents none), see {@link #event}.
 */
final class CrawlJson {
  private final String accountName;

  CrawlJson(String accountName) {
    this.accountName = accountName;
  }

  /** The answer to a create: the crawl as created, queued, with no pages yet. */
  ObjectNode created(SimCrawl crawl) {
    SimCrawl.Snapshot asCreated =
        new SimCrawl.Snapshot(SimCrawl.Status.QUEUED, crawl.createdAt, -1, List.of());
    return write(crawl, asCreated, true);
  }

  /** The crawl now, with its pages' tasks in discovery order. */
  ObjectNode status(SimCrawl crawl) {
    return write(crawl, crawl.snapshot(), true);
  }

  /** The crawl now, as an item of the list. */
  ObjectNode listed(SimCrawl crawl) {
    ObjectNode node = Json.object();
    node.put("id", crawl.id);
    node.setAll(write(crawl, crawl.snapshot(), false));
    return node;
  }

  /**
   * A callback payload: {@code {"event", "crawl_id", "status", "task_id"?, "page_status"?, "url"?,
   * "metadata"}}; the page fields only in {@code page} events, {@code url} being the page's.
   */
  ObjectNode event(SimCrawl crawl, String event, SimCrawl.Page page) {
    ObjectNode node = Json.object();
    node.put("event", event);
    node.put("crawl_id", crawl.id);
    node.put("status", crawl.status().wire);
    if (page != null) {
      node.put("task_id", page.task().id);
      node.put("page_status", pageStatus(page.task().phase()));
      node.put("url", page.url());
    }
    node.set("metadata", crawl.params.callback().metadata().deepCopy());
    return node;
  }

  /** A page task's status in a crawl: {@code pending}, {@code completed} or {@code failed}. */
  static String pageStatus(Phase phase) {
    return switch (phase) {
      case QUEUED, RUNNING -> "pending";
      case COMPLETED -> "completed";
      case FAILED, EXPIRED -> "failed";
    };
  }

  private ObjectNode write(SimCrawl crawl, SimCrawl.Snapshot now, boolean withTasks) {
    ObjectNode node = Json.object();
    node.put("crawl_id", crawl.id);
    if (crawl.params.name() != null) {
      node.put("name", crawl.params.name());
    }
    node.put("url", crawl.params.url());
    node.put("status", now.status().wire);
    node.put("account_name", accountName);
    node.put("created_at", TaskJson.timestamp(crawl.createdAt));
    node.put("updated_at", TaskJson.timestamp(now.updatedAt()));
    if (now.completedAt() >= 0) {
      node.put("completed_at", TaskJson.timestamp(now.completedAt()));
    } else {
      node.putNull("completed_at");
    }
    node.set("crawl_options", crawl.params.options());
    if (crawl.params.body().hasNonNull("extract_options")) {
      node.set("extract_options", crawl.params.body().get("extract_options"));
    }
    int pending = 0;
    int completed = 0;
    int failed = 0;
    ArrayNode tasks = withTasks ? node.arrayNode() : null;
    for (SimTask task : now.tasks()) {
      Phase phase = task.phase();
      String status = pageStatus(phase);
      switch (status) {
        case "pending" -> pending++;
        case "completed" -> completed++;
        default -> failed++;
      }
      if (tasks != null) {
        ObjectNode item = tasks.addObject();
        item.put("task_id", task.id);
        item.put("status", status);
        item.put("created_at", TaskJson.timestamp(task.createdAt));
        item.put("updated_at", TaskJson.timestamp(task.modifiedAt()));
      }
    }
    node.put("total", now.tasks().size());
    node.put("pending", pending);
    node.put("completed", completed);
    node.put("failed", failed);
    if (tasks != null) {
      node.set("tasks", tasks);
    }
    return node;
  }
}
