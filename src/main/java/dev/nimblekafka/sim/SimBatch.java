package dev.nimblekafka.sim;

/** A batch: its tasks in the order of the request's {@code inputs}. */
record SimBatch(String id, long createdAt, SimTask[] tasks) {}
