package dev.nimblekafka.sim;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * Makes a task's result body on demand, in the shape of the synchronous Extract (or Agent)
 * response: {@code {url, task_id, status:"success", status_code:200, data:{...}, metadata:{
 * query_time, query_duration, response_parameters, driver, agent?, tag?}, warnings:[]}}.
 *
 * <p>{@code data} is a pure function of the task's input: the same input always gives the same
 * content. It holds the requested {@code formats} (extract default: html; agents: none besides
 * {@code parsing}), {@code parsing} for agents (an array for listing agents, an object for detail
 * pages) and for extract requests with {@code parse}/{@code parser}. When a result size is set, the
 * main text field is padded so the body reaches about that many bytes.
 */
final class ResultFactory {
  private final long targetSize;

  ResultFactory(long targetSize) {
    this.targetSize = targetSize;
  }

  /** The result of a finished task. */
  byte[] render(SimTask task) {
    return render(task, task.finishedAt());
  }

  /** The result of {@code task} as if it finished at {@code finishedAt}. */
  byte[] render(SimTask task, long finishedAt) {
    JsonNode input = Json.read(task.input);
    return switch (task.apiType) {
      case AGENT -> agent(task, input, finishedAt);
      case SERP -> serp(task, input, finishedAt);
      case EXTRACT -> extract(task, input, finishedAt);
    };
  }

  /**
   * A results page of the search: {@code data.parsing.entities.OrganicResult}, ten results (or
   * {@code num_results}, at most 100) made from the input alone, and {@code data.html} unless
   * {@code no_html}.
   */
  private byte[] serp(SimTask task, JsonNode input, long finishedAt) {
    String engine = input.path("search_engine").asText("google_search");
    String searched =
        input.path("query").isTextual()
            ? input.get("query").asText()
            : input.path("place_id").asText("place");
    String host =
        engine.startsWith("bing")
            ? "www.bing.com"
            : engine.startsWith("yandex") ? "yandex.com" : "www.google.com";
    String url =
        "https://" + host + "/search?q=" + URLEncoder.encode(searched, StandardCharsets.UTF_8);
    if (input.path("page").canConvertToInt() && input.get("page").asInt() > 1) {
      url += "&page=" + input.get("page").asInt();
    }
    PageContent page = new PageContent(task.inputKey.lo(), url);
    ObjectNode body = envelope(task, url);
    ObjectNode data = body.putObject("data");
    if (!input.path("no_html").asBoolean(false)) {
      data.put("html", page.html());
    }
    ObjectNode parsing = data.putObject("parsing");
    parsing.put("status", "success");
    ArrayNode organic = parsing.putObject("entities").putArray("OrganicResult");
    int count = Math.min(100, Math.max(1, input.path("num_results").asInt(10)));
    SplittableRandom random = new SplittableRandom(task.inputKey.lo());
    for (int i = 0; i < count; i++) {
      ObjectNode result = organic.addObject();
      result.put("position", i + 1);
      result.put("title", page.phrase("title" + i, 5));
      result.put("url", "https://www.site" + random.nextInt(10_000) + ".example/" + i);
      result.put("snippet", page.phrase("snippet" + i, 14));
    }
    metadata(body, task, finishedAt, url, "vx6", input.path("tag"), null);
    return pad(body, data, page, organic);
  }

  private byte[] extract(SimTask task, JsonNode input, long finishedAt) {
    String url = input.path("url").asText();
    PageContent page = new PageContent(task.inputKey.lo(), url);
    ObjectNode body = envelope(task, url);
    ObjectNode data = body.putObject("data");
    Set<String> formats = formats(input, Set.of("html"));
    addFormats(data, page, formats);
    JsonNode parser = input.get("parser");
    if (input.path("parse").asBoolean(false) || (parser != null && parser.isObject())) {
      ObjectNode parsing = data.putObject("parsing");
      if (parser != null && parser.isObject()) {
        parser.fieldNames().forEachRemaining(name -> parsing.put(name, page.phrase(name, 3)));
      }
    }
    metadata(body, task, finishedAt, url, driver(task, input), input.path("tag"), null);
    return pad(body, data, page, null);
  }

  private byte[] agent(SimTask task, JsonNode input, long finishedAt) {
    AgentCatalog.Agent agent = AgentCatalog.find(task.agent);
    JsonNode params = input.path("params");
    String key = mainValue(params, agent.mainParam());
    String url =
        "https://" + agent.domain() + agent.path() + URLEncoder.encode(key, StandardCharsets.UTF_8);
    PageContent page = new PageContent(task.inputKey.lo(), url);
    ObjectNode body = envelope(task, url);
    ObjectNode data = body.putObject("data");
    JsonNode parsing = agent.listing() ? listing(page, agent) : detail(page, agent, key);
    data.set("parsing", parsing);
    addFormats(data, page, formats(input, Set.of()));
    metadata(body, task, finishedAt, url, driver(task, input), params.path("tag"), agent.name());
    return pad(body, data, page, parsing);
  }

  /**
   * The driver a task runs on, from its input alone: the request's {@code driver} if it names one,
   * else vx8 for a rendered page or an agent, else vx6.
   */
  static String driver(SimTask task, JsonNode input) {
    if (task.apiType == ApiType.AGENT) {
      return "vx8";
    }
    if (input.path("driver").isTextual()) {
      return input.get("driver").asText();
    }
    return input.path("render").asBoolean(false) ? "vx8" : "vx6";
  }

  /** The host of the page a task fetches (an agent's site for an agent); empty when none. */
  static String host(SimTask task, JsonNode input) {
    if (task.apiType == ApiType.AGENT) {
      return AgentCatalog.find(task.agent).domain();
    }
    try {
      String host = java.net.URI.create(input.path("url").asText()).getHost();
      return host == null ? "" : host.toLowerCase(java.util.Locale.ROOT);
    } catch (IllegalArgumentException e) {
      return "";
    }
  }

  private static ObjectNode envelope(SimTask task, String url) {
    ObjectNode body = Json.object();
    body.put("url", url);
    body.put("task_id", task.id);
    body.put("status", "success");
    body.put("status_code", 200);
    return body;
  }

  private static void metadata(
      ObjectNode body,
      SimTask task,
      long finishedAt,
      String url,
      String driver,
      JsonNode tag,
      String agent) {
    ObjectNode metadata = body.putObject("metadata");
    metadata.put("query_time", TaskJson.timestamp(task.startedAt()));
    metadata.put("query_duration", Math.max(0, finishedAt - task.startedAt()));
    metadata.putObject("response_parameters").put("input_url", url);
    metadata.put("driver", driver);
    if (agent != null) {
      metadata.put("agent", agent);
    }
    if (tag.isTextual()) {
      metadata.put("tag", tag.asText());
    }
    body.putArray("warnings");
  }

  private static Set<String> formats(JsonNode input, Set<String> defaults) {
    JsonNode formats = input.get("formats");
    if (formats == null || !formats.isArray()) {
      return defaults;
    }
    Set<String> wanted = new LinkedHashSet<>();
    formats.forEach(f -> wanted.add(f.asText()));
    return wanted;
  }

  private static void addFormats(ObjectNode data, PageContent page, Set<String> formats) {
    for (String format : formats) {
      switch (format) {
        case "html" -> data.put("html", page.html());
        case "markdown" -> data.put("markdown", page.markdown());
        case "text" -> data.put("text", page.text());
        case "links" -> data.set("links", page.linksJson());
        case "headers" -> data.set("headers", page.headersJson());
        case "screenshot" -> data.put("screenshot", PageContent.SCREENSHOT_PNG_BASE64);
        default -> {
          // validation admits only known formats
        }
      }
    }
  }

  private static ArrayNode listing(PageContent page, AgentCatalog.Agent agent) {
    ArrayNode items = Json.array();
    SplittableRandom random = new SplittableRandom(page.url.hashCode());
    for (int i = 0; i < 10; i++) {
      ObjectNode item = items.addObject();
      item.put("position", i + 1);
      item.put("title", page.phrase("title" + i, 4));
      item.put("url", "https://" + agent.domain() + "/item/" + (100_000 + random.nextInt(900_000)));
      if (agent.vertical().equals("Ecommerce")) {
        item.put("price", cents(random));
        item.put("currency", "USD");
      } else {
        item.put("snippet", page.phrase("snippet" + i, 12));
      }
    }
    return items;
  }

  private static ObjectNode detail(PageContent page, AgentCatalog.Agent agent, String key) {
    SplittableRandom random = new SplittableRandom(page.url.hashCode());
    ObjectNode item = Json.object();
    item.put("title", page.title);
    item.put(agent.mainParam(), key);
    item.put("url", page.url);
    item.put("brand", page.phrase("brand", 1));
    item.put("price", cents(random));
    item.put("currency", "USD");
    item.put("rating", Math.round((1 + random.nextDouble() * 4) * 10) / 10.0);
    item.put("review_count", random.nextInt(20_000));
    item.put("availability", random.nextInt(10) == 0 ? "out_of_stock" : "in_stock");
    ArrayNode images = item.putArray("images");
    for (int i = 1; i <= 3; i++) {
      images.add("https://images." + page.host + "/" + key.hashCode() + "-" + i + ".jpg");
    }
    return item;
  }

  private static double cents(SplittableRandom random) {
    return (100 + random.nextInt(50_000)) / 100.0;
  }

  private static String mainValue(JsonNode params, String mainParam) {
    JsonNode main = params.get(mainParam);
    if (main != null && main.isValueNode()) {
      return main.asText();
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = params.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> field = it.next();
      if (field.getValue().isValueNode() && !Delivery.FIELDS.contains(field.getKey())) {
        return field.getValue().asText();
      }
    }
    return "item";
  }

  /** Serialises {@code body}, padding its main text so it reaches the target size. */
  private byte[] pad(ObjectNode body, ObjectNode data, PageContent page, JsonNode parsing) {
    byte[] plain = Json.bytes(body);
    if (plain.length >= targetSize) {
      return plain;
    }
    int missing = (int) Math.min(Integer.MAX_VALUE - 64, targetSize - plain.length);
    for (String field : new String[] {"html", "markdown", "text"}) {
      if (data.has(field)) {
        data.put(field, data.get(field).asText() + page.filler(missing));
        return Json.bytes(body);
      }
    }
    String filler = page.filler(Math.max(0, missing - 20));
    if (parsing instanceof ObjectNode object) {
      object.put("description", filler);
    } else if (parsing instanceof ArrayNode array && array.size() > 0) {
      ((ObjectNode) array.get(0)).put("description", filler);
    } else {
      data.put("text", filler);
    }
    return Json.bytes(body);
  }
}
