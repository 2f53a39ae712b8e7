package dev.nimblekafka.bench;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;

/**
 * The throughput chart ({@code bench-results/<stamp>-throughput.png}): outcomes per second over
 * time, one panel per paired scenario with a line for each worker variant and one for the baseline
 * loop. The rate at second t is the outcomes that arrived in the window (t − W, t] divided by W, so
 * outcomes that come in waves (every D, or every batch) read as the rate they add up to. Drawn with
 * Java2D into an image, no display needed.
 */
final class Chart {
  static {
    if (System.getProperty("java.awt.headless") == null) {
      System.setProperty("java.awt.headless", "true");
    }
  }

  static final int WIDTH = 1000;
  static final int PANEL_HEIGHT = 400;
  static final int TITLE_HEIGHT = 56;
  private static final int LEFT = 78;
  private static final int RIGHT = 24;
  private static final int TOP = 34;
  private static final int BOTTOM = 92; // tick labels, axis title, legend

  private static final Color[] WORKER_COLORS = {
    new Color(0x1f77b4), new Color(0x2ca02c), new Color(0x9467bd), new Color(0x17becf)
  };
  private static final Color BASELINE_COLOR = new Color(0xe6550d);
  private static final Color GRID = new Color(0xe4e4e4);
  private static final Color REFERENCE = new Color(0x777777);

  private Chart() {}

  /**
   * One line.
   *
   * @param label its legend entry
   * @param arrivalOffsetsMillis when each outcome arrived, in ms after the first request
   * @param baseline whether it is the baseline loop (drawn in the baseline's colour)
   */
  record Series(String label, List<Long> arrivalOffsetsMillis, boolean baseline) {}

  /**
   * One plot.
   *
   * @param title above the plot, e.g. the scenario with C, D and N
   * @param series the lines
   * @param windowSeconds W: the rate at second t counts the outcomes in (t − W, t]
   * @param reference a dashed horizontal line, e.g. the plan's C/D; NaN or infinite for none
   * @param referenceLabel what that line is
   */
  record Panel(
      String title,
      List<Series> series,
      int windowSeconds,
      double reference,
      String referenceLabel) {}

  /**
   * The panels of a benchmark: one per paired scenario (worker variants and the baseline); when no
   * scenario ran paired, one per scenario that moved requests, so a partial run still has a chart.
   */
  static List<Panel> panels(List<RunResult> runs) {
    List<Panel> panels = new ArrayList<>();
    List<Comparison> comparisons = Comparison.of(runs);
    if (!comparisons.isEmpty()) {
      for (Comparison c : comparisons) {
        List<RunResult> members = new ArrayList<>(c.workers());
        members.add(c.baseline());
        panels.add(panel(c.scenario(), members));
      }
      return panels;
    }
    List<String> seen = new ArrayList<>();
    for (RunResult r : runs) {
      if (r.scenario.kind() == Scenario.Kind.THROUGHPUT && !seen.contains(r.scenario.name())) {
        seen.add(r.scenario.name());
        panels.add(
            panel(
                r.scenario,
                runs.stream().filter(x -> x.scenario.name().equals(r.scenario.name())).toList()));
      }
    }
    return panels;
  }

  private static Panel panel(Scenario scenario, List<RunResult> members) {
    boolean withBaseline = members.stream().anyMatch(r -> r.variant.baseline());
    List<Series> series = new ArrayList<>();
    for (RunResult r : members) {
      String steady = Report.format(r.figures.get("throughput_steady_per_s"));
      String label =
          (r.variant.baseline() ? r.variant.name() : "worker " + r.variant.name())
              + ": "
              + steady
              + "/s steady"
              + (r.status == RunResult.Status.OK
                  ? ""
                  : " (" + r.status.name().toLowerCase(Locale.ROOT) + ")");
      series.add(new Series(label, r.arrivalOffsetsMillis, r.variant.baseline()));
    }
    double cd = scenario.sim().concurrencyLimit();
    return new Panel(
        scenario.name() + ": " + Comparison.describe(scenario),
        series,
        windowSeconds(scenario.sim(), withBaseline),
        cd,
        "C/D = " + Report.format(cd) + "/s");
  }

  /**
   * The window W: at least the task duration D (outcomes come in waves D apart when tasks run in
   * step; a shorter window shows the waves, not the rate) and, with the baseline, its 10 s between
   * batches; at least one second.
   */
  static int windowSeconds(Scenario.Sim sim, boolean withBaseline) {
    long millis = Math.max(1000, sim.meanDuration().toMillis());
    if (withBaseline) {
      millis = Math.max(millis, BaselineRun.BATCH_PAUSE.toMillis());
    }
    return (int) ((millis + 999) / 1000);
  }

  /**
   * The rate at the end of each second: element k is the outcomes in (k + 1 − W, k + 1] seconds,
   * divided by W; it runs until the window has passed the last outcome, so the line ends at 0.
   */
  static List<Double> trailingRate(List<Long> offsetsMillis, int windowSeconds) {
    List<Integer> perSecond = perBucket(offsetsMillis, 1000);
    List<Double> rates = new ArrayList<>();
    if (perSecond.isEmpty()) {
      return rates;
    }
    int inWindow = 0;
    for (int k = 0; k < perSecond.size() + windowSeconds; k++) {
      inWindow += k < perSecond.size() ? perSecond.get(k) : 0;
      if (k >= windowSeconds) {
        inWindow -= perSecond.get(k - windowSeconds);
      }
      rates.add(inWindow / (double) windowSeconds);
    }
    return rates;
  }

  /** Counts per bucket: element i counts the offsets in [i × width, (i + 1) × width). */
  static List<Integer> perBucket(List<Long> offsetsMillis, long widthMillis) {
    if (offsetsMillis.isEmpty()) {
      return List.of();
    }
    long last = Collections.max(offsetsMillis);
    int[] counts = new int[(int) (last / widthMillis) + 1];
    for (long t : offsetsMillis) {
      counts[(int) (Math.max(0, t) / widthMillis)]++;
    }
    List<Integer> list = new ArrayList<>(counts.length);
    for (int c : counts) {
      list.add(c);
    }
    return list;
  }

  /** Draws the panels under a title and writes a PNG. */
  static void write(Path png, String title, List<Panel> panels) throws IOException {
    Files.createDirectories(png.toAbsolutePath().getParent());
    Path partial = png.resolveSibling(png.getFileName() + ".part");
    if (!ImageIO.write(draw(title, panels), "png", partial.toFile())) {
      throw new IOException("no PNG writer in this JVM");
    }
    Files.move(
        partial,
        png,
        java.nio.file.StandardCopyOption.REPLACE_EXISTING,
        java.nio.file.StandardCopyOption.ATOMIC_MOVE);
  }

  static BufferedImage draw(String title, List<Panel> panels) {
    int height = TITLE_HEIGHT + Math.max(1, panels.size()) * PANEL_HEIGHT;
    BufferedImage image = new BufferedImage(WIDTH, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    try {
      g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
      g.setRenderingHint(
          RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
      g.setColor(Color.WHITE);
      g.fillRect(0, 0, WIDTH, height);
      g.setColor(Color.BLACK);
      g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 18));
      centered(g, title, WIDTH / 2, 30);
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
      g.setColor(Color.DARK_GRAY);
      centered(
          g,
          "outcomes per second over a trailing window, against seconds since the run's first"
              + " request",
          WIDTH / 2,
          48);
      for (int i = 0; i < panels.size(); i++) {
        drawPanel(g, panels.get(i), TITLE_HEIGHT + i * PANEL_HEIGHT);
      }
    } finally {
      g.dispose();
    }
    return image;
  }

  private static void drawPanel(Graphics2D g, Panel panel, int top) {
    int x0 = LEFT;
    int x1 = WIDTH - RIGHT;
    int y0 = top + PANEL_HEIGHT - BOTTOM; // the x axis
    int y1 = top + TOP; // the top of the plot
    int window = panel.windowSeconds();

    List<List<Double>> rates = new ArrayList<>();
    double maxRate = 0;
    double maxSeconds = window;
    for (Series s : panel.series()) {
      List<Double> r = trailingRate(s.arrivalOffsetsMillis(), window);
      rates.add(r);
      for (double rate : r) {
        maxRate = Math.max(maxRate, rate);
      }
      maxSeconds = Math.max(maxSeconds, r.size());
    }
    boolean hasReference =
        !Double.isNaN(panel.reference()) && !Double.isInfinite(panel.reference());
    double yTop = niceCeiling(Math.max(hasReference ? panel.reference() : 0, maxRate) * 1.15);
    double xMax = niceCeiling(maxSeconds);

    g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
    g.setColor(Color.BLACK);
    g.drawString(panel.title(), x0, top + 20);

    // grid, ticks and their labels
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
    FontMetrics fm = g.getFontMetrics();
    double yStep = niceStep(yTop / 5);
    for (int k = 0; k * yStep <= yTop * (1 + 1e-9); k++) {
      double v = k * yStep;
      int y = yPixel(v, yTop, y0, y1);
      g.setColor(GRID);
      g.drawLine(x0, y, x1, y);
      g.setColor(Color.DARK_GRAY);
      String label = tick(v);
      g.drawString(label, x0 - 6 - fm.stringWidth(label), y + fm.getAscent() / 2 - 1);
    }
    double xStep = niceStep(xMax / 8);
    for (int k = 0; k * xStep <= xMax * (1 + 1e-9); k++) {
      double v = k * xStep;
      int x = xPixel(v, xMax, x0, x1);
      g.setColor(GRID);
      g.drawLine(x, y0, x, y1);
      g.setColor(Color.DARK_GRAY);
      centered(g, tick(v), x, y0 + 16);
    }
    g.setColor(Color.BLACK);
    g.drawLine(x0, y0, x1, y0);
    g.drawLine(x0, y0, x0, y1);

    // axis titles
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    centered(g, "seconds since the first request", (x0 + x1) / 2, y0 + 36);
    AffineTransform saved = g.getTransform();
    g.rotate(-Math.PI / 2);
    centered(g, "outcomes/s (trailing " + window + " s window)", -(y0 + y1) / 2, 22);
    g.setTransform(saved);

    if (hasReference && panel.reference() <= yTop) {
      int y = yPixel(panel.reference(), yTop, y0, y1);
      g.setColor(REFERENCE);
      g.setStroke(
          new BasicStroke(
              1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f));
      g.drawLine(x0, y, x1, y);
      g.setStroke(new BasicStroke(1f));
      g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 11));
      g.drawString(panel.referenceLabel(), x0 + 6, y - 4);
    }

    // the lines: a point at the end of each second; earlier lines wider, so equal ones all show
    int workerIndex = 0;
    List<Color> colors = new ArrayList<>();
    List<BasicStroke> strokes = new ArrayList<>();
    for (int i = 0; i < panel.series().size(); i++) {
      Series s = panel.series().get(i);
      Color color =
          s.baseline() ? BASELINE_COLOR : WORKER_COLORS[workerIndex++ % WORKER_COLORS.length];
      float width = Math.max(1.5f, 4.5f - 1.2f * i);
      BasicStroke stroke =
          s.baseline()
              ? new BasicStroke(
                  width,
                  BasicStroke.CAP_BUTT,
                  BasicStroke.JOIN_ROUND,
                  10f,
                  new float[] {9f, 5f},
                  0f)
              : new BasicStroke(width, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND);
      colors.add(color);
      strokes.add(stroke);
      List<Double> r = rates.get(i);
      if (r.isEmpty()) {
        continue;
      }
      Path2D.Double line = new Path2D.Double();
      line.moveTo(x0, y0);
      for (int k = 0; k < r.size(); k++) {
        line.lineTo(xPixel(k + 1, xMax, x0, x1), yPixel(r.get(k), yTop, y0, y1));
      }
      g.setColor(color);
      g.setStroke(stroke);
      g.draw(line);
    }
    g.setStroke(new BasicStroke(1f));
    legend(g, panel.series(), colors, strokes, x0, x1, y0 + 50);
  }

  /** One row of entries under the plot, wrapped onto a second when they do not fit. */
  private static void legend(
      Graphics2D g,
      List<Series> series,
      List<Color> colors,
      List<BasicStroke> strokes,
      int left,
      int right,
      int top) {
    g.setFont(new Font(Font.SANS_SERIF, Font.PLAIN, 12));
    FontMetrics fm = g.getFontMetrics();
    int x = left;
    int y = top + fm.getAscent();
    for (int i = 0; i < series.size(); i++) {
      String label = series.get(i).label();
      int width = 36 + fm.stringWidth(label) + 24;
      if (x > left && x + width > right) {
        x = left;
        y += fm.getHeight() + 4;
      }
      int lineY = y - fm.getAscent() / 2 + 1;
      g.setColor(colors.get(i));
      g.setStroke(
          new BasicStroke(
              Math.min(3f, strokes.get(i).getLineWidth()),
              BasicStroke.CAP_BUTT,
              BasicStroke.JOIN_ROUND,
              10f,
              strokes.get(i).getDashArray(),
              0f));
      g.drawLine(x, lineY, x + 28, lineY);
      g.setStroke(new BasicStroke(1f));
      g.setColor(Color.BLACK);
      g.drawString(label, x + 36, y);
      x += width;
    }
  }

  private static int xPixel(double seconds, double xMax, int x0, int x1) {
    return (int) Math.round(x0 + (x1 - x0) * Math.min(seconds, xMax) / xMax);
  }

  private static int yPixel(double rate, double yTop, int y0, int y1) {
    return (int) Math.round(y0 - (y0 - y1) * Math.min(rate, yTop) / yTop);
  }

  private static void centered(Graphics2D g, String text, int x, int baseline) {
    g.drawString(text, x - g.getFontMetrics().stringWidth(text) / 2, baseline);
  }

  /** 1, 2 or 5 times a power of ten, at least {@code raw}. */
  static double niceStep(double raw) {
    if (!(raw > 0)) {
      return 1;
    }
    double power = Math.pow(10, Math.floor(Math.log10(raw)));
    for (double m : new double[] {1, 2, 5, 10}) {
      if (m * power >= raw - 1e-12) {
        return m * power;
      }
    }
    return 10 * power;
  }

  /** The smallest multiple of a nice step at or above {@code value}; 1 for nothing to show. */
  static double niceCeiling(double value) {
    if (!(value > 0)) {
      return 1;
    }
    double step = niceStep(value / 5);
    return Math.ceil(value / step - 1e-9) * step;
  }

  private static String tick(double v) {
    return v == Math.rint(v)
        ? Long.toString((long) v)
        : String.format(Locale.ROOT, "%.2f", v).replaceAll("0+$", "");
  }
}
