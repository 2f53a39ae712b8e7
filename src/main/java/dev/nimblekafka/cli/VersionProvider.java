package dev.nimblekafka.cli;

import dev.nimblekafka.worker.BuildVersion;
import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    return new String[] {"nimble-kafka-worker " + BuildVersion.get()};
  }
}
