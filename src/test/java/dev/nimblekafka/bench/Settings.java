package dev.nimblekafka.bench;

/** The settings of a run, recorded next to its figures. */
final class Settings {
  private Settings() {}

  static void describe(
      RunResult result, Scenario scenario, Scenario.Variant variant, Topics topics) {
    Scenario.Sim sim = scenario.sim();
    result.settings.put("requests", scenario.requests());
    result.settings.put("sim_plan_concurrency", sim.concurrency());
    result.settings.put("sim_duration", sim.duration());
    result.settings.put("sim_qps", sim.qps());
    result.settings.put("sim_args", String.join(" ", sim.args()));
    if (topics != null) {
      result.settings.put("topics_prefix", topics.prefix());
    }
    if (!variant.heap().isEmpty()) {
      result.settings.put("worker_heap", "-Xmx" + variant.heap());
    }
    result.settings.put("worker_env", variant.sortedEnv());
    if (!variant.baseline()) {
      result.settings.put("worker_pods", variant.fleet().pods());
      result.settings.put("fleet", variant.fleet().describe());
    }
  }
}
