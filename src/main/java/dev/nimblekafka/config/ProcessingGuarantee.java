package dev.nimblekafka.config;

/** What the worker promises about outcomes. */
public enum ProcessingGuarantee {
  /** Outcomes, state and request offsets commit in one Kafka transaction. */
  EXACTLY_ONCE,
  /** No transactions: a crash may publish an outcome twice, never lose one. */
  AT_LEAST_ONCE
}
