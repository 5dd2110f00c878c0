package dev.scenegate.logging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintStream;
import java.time.Instant;
import java.util.Locale;
import java.util.Map;

/**
 * Structured logging as Cloud Logging reads it from a function's stdout/stderr: one JSON object per
 * line with {@code severity}, {@code message}, {@code time}, {@code logger} and any fields
 * (scene_id, stage, object, generation ...). The threshold comes from {@code SCENEGATE_LOG_LEVEL};
 * the CLI sets WARNING so commands stay quiet, functions default to INFO.
 */
public final class JsonLog {
  /**
   * Built with the first line written: a cold function instance that dismisses events writes none,
   * and Jackson's data binding is the costliest thing it would otherwise load.
   */
  private static final class Mapper {
    static final ObjectMapper INSTANCE = new ObjectMapper();
  }

  private static volatile Severity threshold = initialThreshold();
  private static volatile PrintStream out = System.err;
  private static volatile boolean stackTraces = true;

  private final String logger;

  private JsonLog(String logger) {
    this.logger = logger;
  }

  public static JsonLog get(Class<?> type) {
    return new JsonLog(type.getSimpleName());
  }

  /** Sets the threshold unless SCENEGATE_LOG_LEVEL overrides it. */
  public static void defaultThreshold(Severity severity) {
    if (System.getenv("SCENEGATE_LOG_LEVEL") == null) {
      threshold = severity;
    }
  }

  public static void threshold(Severity severity) {
    threshold = severity;
  }

  public static void redirect(PrintStream stream) {
    out = stream;
  }

  /**
   * Whether ERROR lines carry the exception's class and stack trace. The CLI turns them off: its
   * stderr is for people, who get the reason; a stack trace there reads as a crash.
   */
  public static void stackTraces(boolean enabled) {
    stackTraces = enabled;
  }

  public boolean enabled(Severity severity) {
    return severity.compareTo(threshold) >= 0;
  }

  public void debug(String message, Object... fields) {
    log(Severity.DEBUG, message, null, fields);
  }

  public void info(String message, Object... fields) {
    log(Severity.INFO, message, null, fields);
  }

  public void notice(String message, Object... fields) {
    log(Severity.NOTICE, message, null, fields);
  }

  public void warn(String message, Object... fields) {
    log(Severity.WARNING, message, null, fields);
  }

  public void error(String message, Throwable error, Object... fields) {
    log(Severity.ERROR, message, error, fields);
  }

  public void critical(String message, Object... fields) {
    log(Severity.CRITICAL, message, null, fields);
  }

  /** {@code fields} alternate key, value. Values are written as JSON (maps and lists too). */
  public void log(Severity severity, String message, Throwable error, Object... fields) {
    if (!enabled(severity)) {
      return;
    }
    ObjectMapper mapper = Mapper.INSTANCE;
    ObjectNode line = mapper.createObjectNode();
    line.put("severity", severity.name());
    line.put("message", message);
    line.put("time", Instant.now().toString());
    line.put("logger", logger);
    for (int i = 0; i + 1 < fields.length; i += 2) {
      line.set(String.valueOf(fields[i]), mapper.valueToTree(fields[i + 1]));
    }
    if (error != null && !stackTraces) {
      String reason = error.getMessage();
      line.put("error", reason == null || reason.isBlank() ? "unexpected error" : reason);
    } else if (error != null) {
      line.put("error", error.getClass().getSimpleName() + ": " + error.getMessage());
      if (severity.compareTo(Severity.ERROR) >= 0) {
        java.io.StringWriter trace = new java.io.StringWriter();
        error.printStackTrace(new java.io.PrintWriter(trace));
        line.put("stack_trace", trace.toString());
      }
    }
    String text = line.toString();
    PrintStream stream = out;
    synchronized (stream) {
      stream.println(text);
    }
  }

  private static Severity initialThreshold() {
    String level = System.getenv("SCENEGATE_LOG_LEVEL");
    if (level == null || level.isBlank()) {
      return Severity.INFO;
    }
    try {
      return Severity.valueOf(
          level
              .trim()
              .toUpperCase(Locale.ROOT)
              .replace("WARN", "WARNING")
              .replace("WARNINGING", "WARNING"));
    } catch (IllegalArgumentException e) {
      return Severity.INFO;
    }
  }

  /** Convenience for building field arrays from a map. */
  public static Object[] fields(Map<String, ?> map) {
    Object[] result = new Object[map.size() * 2];
    int i = 0;
    for (Map.Entry<String, ?> e : map.entrySet()) {
      result[i++] = e.getKey();
      result[i++] = e.getValue();
    }
    return result;
  }
}
