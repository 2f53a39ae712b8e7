package dev.nimblekafka.cli;

import picocli.CommandLine.IVersionProvider;

final class VersionProvider implements IVersionProvider {
  @Override
  public String[] getVersion() {
    String version = Main.class.getPackage().getImplementationVersion();
    return new String[] {"nimble-kafka-worker " + (version == null ? "dev" : version)};
  }
}
