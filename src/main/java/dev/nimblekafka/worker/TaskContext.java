package dev.nimblekafka.worker;

import dev.nimblekafka.fleet.KeyShare;
import dev.nimblekafka.task.PollPolicy;
import dev.nimblekafka.task.TaskBook;
import dev.nimblekafka.trace.RequestTracing;
import java.time.Clock;

/**
 * What every step of the request lifecycle works with, on the consume loop's thread.
 *
 * @param book the one owner of the requests held and their phases
 * @param nimble the calls to Nimble
 * @param calls the one path every call to Nimble goes out and comes back by
 * @param writer where outcomes and state records go
 * @param policy when tasks are checked next
 * @param share this pod's part of the key's limits now
 * @param ownership which partitions calls may still go out for
 * @param tracing the spans of requests and their Nimble calls
 */
record TaskContext(
    TaskBook book,
    NimbleCalls nimble,
    Calls calls,
    OutcomeWriter writer,
    PollPolicy policy,
    KeyShare share,
    Clock clock,
    WorkerMetrics metrics,
    Ownership ownership,
    RequestTracing tracing) {}
