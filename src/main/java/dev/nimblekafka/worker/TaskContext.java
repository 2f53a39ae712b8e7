package dev.nimblekafka.worker;

import dev.nimblekafka.task.PollPolicy;
import dev.nimblekafka.task.TaskBook;
import java.time.Clock;
import java.util.Queue;

/**
 * What every step of the request lifecycle works with, on the consume loop's thread.
 *
 * @param book the one owner of the requests held and their phases
 * @param nimble the calls to Nimble
 * @param writer where outcomes and state records go
 * @param policy when tasks are checked next
 * @param events where HTTP answers come back to the loop
 */
record TaskContext(
    TaskBook book,
    NimbleCalls nimble,
    OutcomeWriter writer,
    PollPolicy policy,
    Clock clock,
    WorkerMetrics metrics,
    Queue<LoopEvent> events) {}
