package dev.nimblekafka.bench;

import java.util.List;

/** Topic names and consumer group of one run: unique, so runs never see each other's records. */
record Topics(String prefix) {
  String requests() {
    return prefix + ".requests";
  }

  String results() {
    return prefix + ".results";
  }

  String failures() {
    return prefix + ".failures";
  }

  String state() {
    return prefix + ".state";
  }

  String callbacks() {
    return prefix + ".callbacks";
  }

  String usage() {
    return prefix + ".usage";
  }

  String group() {
    return prefix;
  }

  List<String> all() {
    return List.of(requests(), results(), failures(), state(), callbacks(), usage());
  }
}
