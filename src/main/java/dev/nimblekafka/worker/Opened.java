package dev.nimblekafka.worker;

import java.util.ArrayDeque;
import java.util.Deque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a start-up has opened so far (threads, clients, ports), to close in the reverse order when a
 * later step fails, so that a worker that could not start leaves nothing running behind it.
 */
final class Opened {
  private static final Logger log = LoggerFactory.getLogger(Opened.class);

  private final Deque<AutoCloseable> opened = new ArrayDeque<>();

  /** Records something to close; returns it. */
  <T extends AutoCloseable> T add(T resource) {
    opened.push(resource);
    return resource;
  }

  /** Closes everything recorded, the last first; a failure to close one does not stop the rest. */
  void closeAll() {
    while (!opened.isEmpty()) {
      AutoCloseable resource = opened.pop();
      try {
        resource.close();
      } catch (Exception | LinkageError e) {
        log.warn(
            "Closing a {} after a failed start failed: {}",
            resource.getClass().getSimpleName(),
            e.toString());
      }
    }
  }
}
