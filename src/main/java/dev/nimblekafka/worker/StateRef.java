package dev.nimblekafka.worker;

/**
 * A live record of a state partition, as a restore's first read found it: where it is and how large
 * it is, so that it is read when the requests it carries fit beside those held.
 *
 * @param offset the record's offset in its state partition
 * @param bytes the record's size (its value and key)
 */
record StateRef(long offset, int bytes) {}
