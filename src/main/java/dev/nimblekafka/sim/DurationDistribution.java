package dev.nimblekafka.sim;

import java.time.Duration;
import java.util.Locale;
import java.util.random.RandomGenerator;

/**
 * How long a task runs once it has a slot. Written on the command line as:
 *
 * <ul>
 *   <li>{@code 2s} (or {@code fixed:2s}): every task runs exactly that long; {@code 0} finishes at
 *       once;
 *   <li>{@code uniform:1s..3s}: uniformly between the two bounds;
 *   <li>{@code lognormal:2s,0.5}: log-normal with the given median and shape (sigma of the
 *       logarithm), capped at 100 times the median.
 * </ul>
 */
public sealed interface DurationDistribution {

  /** Draws one duration, in milliseconds. */
  long sampleMillis(RandomGenerator random);

  /** The textual form {@link #parse} reads back. */
  String spec();

  static DurationDistribution fixed(Duration value) {
    return new Fixed(value);
  }

  static DurationDistribution uniform(Duration min, Duration max) {
    return new Uniform(min, max);
  }

  static DurationDistribution logNormal(Duration median, double sigma) {
    return new LogNormal(median, sigma);
  }

  /** Parses the command-line form; throws {@link IllegalArgumentException} naming the bad part. */
  static DurationDistribution parse(String spec) {
    String s = spec.trim();
    int colon = s.indexOf(':');
    String kind = colon < 0 ? "fixed" : s.substring(0, colon).toLowerCase(Locale.ROOT);
    String args = colon < 0 ? s : s.substring(colon + 1);
    switch (kind) {
      case "fixed":
        return new Fixed(Units.duration(args));
      case "uniform":
        {
          int dots = args.indexOf("..");
          if (dots < 0) {
            throw new IllegalArgumentException(
                "uniform duration needs 'min..max', e.g. uniform:1s..3s, but was '" + spec + "'");
          }
          return new Uniform(
              Units.duration(args.substring(0, dots)), Units.duration(args.substring(dots + 2)));
        }
      case "lognormal":
        {
          int comma = args.indexOf(',');
          if (comma < 0) {
            throw new IllegalArgumentException(
                "lognormal duration needs 'median,sigma', e.g. lognormal:2s,0.5, but was '"
                    + spec
                    + "'");
          }
          return new LogNormal(
              Units.duration(args.substring(0, comma)),
              Double.parseDouble(args.substring(comma + 1).trim()));
        }
      default:
        throw new IllegalArgumentException(
            "unknown duration distribution '" + kind + "' (use fixed, uniform or lognormal)");
    }
  }

  /** Every task takes the same time. */
  record Fixed(Duration value) implements DurationDistribution {
    public Fixed {
      requireNonNegative("fixed duration", value);
    }

    @Override
    public long sampleMillis(RandomGenerator random) {
      return value.toMillis();
    }

    @Override
    public String spec() {
      return Units.format(value);
    }
  }

  /** Uniform between {@code min} and {@code max}, inclusive. */
  record Uniform(Duration min, Duration max) implements DurationDistribution {
    public Uniform {
      requireNonNegative("uniform minimum", min);
      requireNonNegative("uniform maximum", max);
      if (max.compareTo(min) < 0) {
        throw new IllegalArgumentException(
            "uniform maximum must be >= minimum but was "
                + Units.format(max)
                + " < "
                + Units.format(min));
      }
    }

    @Override
    public long sampleMillis(RandomGenerator random) {
      long lo = min.toMillis();
      long hi = max.toMillis();
      return lo == hi ? lo : lo + random.nextLong(hi - lo + 1);
    }

    @Override
    public String spec() {
      return "uniform:" + Units.format(min) + ".." + Units.format(max);
    }
  }

  /** Log-normal around {@code median}; {@code sigma} is the standard deviation of the logarithm. */
  record LogNormal(Duration median, double sigma) implements DurationDistribution {
    public LogNormal {
      requireNonNegative("lognormal median", median);
      if (!(sigma >= 0 && sigma <= 5)) {
        throw new IllegalArgumentException("lognormal sigma must be in [0, 5] but was " + sigma);
      }
    }

    @Override
    public long sampleMillis(RandomGenerator random) {
      double factor = Math.exp(sigma * random.nextGaussian());
      return Math.round(median.toMillis() * Math.min(factor, 100.0));
    }

    @Override
    public String spec() {
      return "lognormal:" + Units.format(median) + "," + sigma;
    }
  }

  private static void requireNonNegative(String what, Duration value) {
    if (value == null || value.isNegative()) {
      throw new IllegalArgumentException(what + " must be >= 0 but was " + value);
    }
  }
}
