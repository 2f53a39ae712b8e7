package dev.nimblekafka.worker;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/**
 * The version of this build, for --version and the build_info meter: the jar manifest's when run
 * from the jar, else build.properties beside this class, which the build writes (the container
 * image runs the classes and libraries as layers, with no jar manifest); "dev" when neither has it.
 */
public final class BuildVersion {

  private static final String VERSION = read();

  private BuildVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String read() {
    String version = BuildVersion.class.getPackage().getImplementationVersion();
    if (version != null) {
      return version;
    }
    try (InputStream in = BuildVersion.class.getResourceAsStream("build.properties")) {
      if (in != null) {
        Properties props = new Properties();
        props.load(in);
        String built = props.getProperty("version", "");
        if (!built.isBlank() && !built.startsWith("${")) {
          return built;
        }
      }
    } catch (IOException e) {
      // no version then
    }
    return "dev";
  }
}
