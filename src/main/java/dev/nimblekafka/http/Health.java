package dev.nimblekafka.http;

/** What the health endpoints report: the worker implements it, the admin port serves it. */
public interface Health {

  /** Whether the process does its work: false asks for a restart. */
  boolean live();

  /** Whether the pod should receive traffic and keep its place in a roll-out. */
  boolean ready();

  /**
   * What the worker is doing, shown with either answer: the members of a JSON object ({@code
   * "name":value,...}, without the braces).
   */
  String details();
}
