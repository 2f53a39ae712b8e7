package dev.nimblekafka.config;

/**
 * How the process logs: {@code LOG_LEVEL} (root level) and {@code LOG_FORMAT} ({@code plain} or
 * {@code json}), from the environment or the properties file like every other setting.
 *
 * @param level trace, debug, info, warn, error or off (upper case)
 * @param format plain or json
 */
public record LogSettings(String level, String format) {}
