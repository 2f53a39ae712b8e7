package dev.nimblekafka.sim;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.zip.GZIPOutputStream;

/**
 * Writes results where a task's {@code storage_url} points, with a local folder standing for the
 * buckets: {@code s3://bucket/prefix/} is {@code <root>/bucket/prefix/}. The object is {@code <task
 * id>.json}, or {@code <storage_object_name>.json}, plus {@code .gz} when {@code storage_compress}
 * is set. Files appear whole (written aside, then moved into place).
 */
final class StorageWriter {
  private final Path root;

  StorageWriter(Path root) {
    this.root = root.toAbsolutePath().normalize();
  }

  Path root() {
    return root;
  }

  /** Writes {@code body} and returns the object's URL, e.g. {@code s3://bucket/prefix/id.json}. */
  String write(SimTask task, byte[] body) throws IOException {
    Delivery d = task.delivery;
    String prefix = d.storageUrl().endsWith("/") ? d.storageUrl() : d.storageUrl() + "/";
    String name =
        (d.storageObjectName() != null ? d.storageObjectName() : task.id)
            + ".json"
            + (d.storageCompress() ? ".gz" : "");
    String objectUrl = prefix + name;
    int scheme = objectUrl.indexOf("://");
    Path target = root.resolve(objectUrl.substring(scheme + 3)).normalize();
    if (!target.startsWith(root) || target.equals(root)) {
      throw new IOException("storage URL leaves the storage folder: " + objectUrl);
    }
    Files.createDirectories(target.getParent());
    Path partial = Files.createTempFile(target.getParent(), ".upload-", ".part");
    try {
      try (OutputStream out =
          d.storageCompress()
              ? new GZIPOutputStream(Files.newOutputStream(partial))
              : Files.newOutputStream(partial)) {
        out.write(body);
      }
      Files.move(
          partial, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } finally {
      Files.deleteIfExists(partial);
    }
    return objectUrl;
  }
}
