package dev.scenegate.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.ObjectTooLargeException;
import dev.scenegate.storage.TransientStorageException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.Optional;

/**
 * Reads one small JSON report. Everything wrong with the report itself (absent, over the size cap,
 * not JSON, duplicate keys, not an object) is a {@link Loaded} carrying a reason; only storage
 * faults are thrown.
 */
final class ReportReader {
  /** Reports are small; a bigger one is refused unread rather than buffered. */
  static final int MAX_REPORT_BYTES = 16 * 1024 * 1024;

  private static final int READ_ATTEMPTS = 3;

  /**
   * Strict: a duplicate key is ambiguous (which pass_rate counts?), trailing content means a torn
   * or concatenated file. NaN/Infinity literals are refused by Jackson's defaults.
   */
  static final ObjectMapper JSON =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** The outcome of reading a report: {@code root} when usable, otherwise {@code problem}. */
  record Loaded(String object, Kind kind, ObjectNode root, String problem) {
    enum Kind {
      OK,
      MISSING,
      INVALID
    }

    boolean ok() {
      return kind == Kind.OK;
    }

    boolean missing() {
      return kind == Kind.MISSING;
    }
  }

  private final ObjectStore store;

  ReportReader(ObjectStore store) {
    this.store = store;
  }

  boolean exists(String object) throws IOException {
    return store.stat(object).isPresent();
  }

  Loaded read(String object) throws IOException {
    byte[] bytes = null;
    for (int attempt = 0; attempt < READ_ATTEMPTS && bytes == null; attempt++) {
      Optional<ObjectInfo> info = store.stat(object);
      if (info.isEmpty()) {
        return new Loaded(object, Loaded.Kind.MISSING, null, "missing");
      }
      if (info.get().size() > MAX_REPORT_BYTES) {
        return tooLarge(object);
      }
      try {
        bytes = store.readSmall(object, info.get().generation(), MAX_REPORT_BYTES);
      } catch (NoSuchFileException e) {
        // Replaced or deleted between stat and read: look again.
      } catch (ObjectTooLargeException e) {
        return tooLarge(object);
      }
    }
    if (bytes == null) {
      throw new TransientStorageException(
          store.describe(object) + " kept changing while it was being read");
    }
    JsonNode root;
    try {
      root = JSON.readTree(bytes);
    } catch (JsonProcessingException e) {
      return new Loaded(
          object, Loaded.Kind.INVALID, null, "not valid JSON (" + jsonProblem(e) + ")");
    }
    if (root == null || !root.isObject()) {
      String what = root == null || root.isMissingNode() ? "empty" : Json.typeName(root);
      return new Loaded(
          object, Loaded.Kind.INVALID, null, "not a JSON object (top level is " + what + ")");
    }
    return new Loaded(object, Loaded.Kind.OK, (ObjectNode) root, null);
  }

  private static Loaded tooLarge(String object) {
    return new Loaded(
        object,
        Loaded.Kind.INVALID,
        null,
        "over the " + MAX_REPORT_BYTES + "-byte limit for reports");
  }

  private static String jsonProblem(JsonProcessingException e) {
    String message = e.getOriginalMessage();
    if (message == null) {
      message = e.getClass().getSimpleName();
    }
    String where =
        e.getLocation() == null
            ? ""
            : " at line "
                + e.getLocation().getLineNr()
                + ", column "
                + e.getLocation().getColumnNr();
    return Json.clip(message, 120) + where;
  }
}
