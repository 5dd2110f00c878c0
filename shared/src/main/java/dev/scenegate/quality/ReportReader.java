package dev.scenegate.quality;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BigIntegerNode;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.ContainerNode;
import com.fasterxml.jackson.databind.node.DoubleNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.LongNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.ObjectTooLargeException;
import dev.scenegate.storage.PathEscapesException;
import dev.scenegate.storage.TransientStorageException;
import java.io.IOException;
import java.nio.file.NoSuchFileException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Reads one small JSON report in a single streaming pass, keeping only what a gate asks for: the
 * values at its criteria paths (in a pruned tree, so a gate still sees "summary is an array"), the
 * sizes of containers at those paths, the mock indicators anywhere in the report, and optionally
 * the failed entries of a gate report's {@code results}. Memory is the report's bytes plus a few
 * objects, never a full tree (a 16 MiB report of small values would be hundreds of MB as one).
 *
 * <p>Everything wrong with the report itself (absent, over the size cap, not JSON, duplicate keys,
 * trailing content, not an object) is a {@link Loaded} carrying a reason; only storage faults are
 * thrown.
 */
final class ReportReader {
  /** Reports are small; a bigger one is refused unread rather than buffered. */
  static final int MAX_REPORT_BYTES = 16 * 1024 * 1024;

  /** Findings kept verbatim per report; beyond that only counted. */
  static final int MAX_FINDINGS = 10;

  private static final int READ_ATTEMPTS = 3;

  /**
   * Strict: a duplicate key is ambiguous (which pass_rate counts?). NaN/Infinity literals are
   * refused by Jackson's defaults; trailing content is checked after the root closes.
   */
  static final ObjectMapper JSON =
      JsonMapper.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  /** What a gate needs from a report. Paths are dotted keys, e.g. {@code summary.pass_rate}. */
  record Spec(Set<String> paths, Set<String> notIndicators, boolean failedResults) {
    static Spec of(String... paths) {
      return new Spec(Set.of(paths), Set.of(), false);
    }

    Spec withoutIndicatorsAt(Set<String> skip) {
      return new Spec(paths, skip, failedResults);
    }

    Spec withFailedResults() {
      return new Spec(paths, notIndicators, true);
    }
  }

  /** The outcome of reading a report: usable content when {@code kind} is OK, else a problem. */
  record Loaded(
      String object,
      Kind kind,
      ObjectNode root,
      String problem,
      Map<String, Integer> sizes,
      List<MockIndicators.Finding> findings,
      int findingCount,
      List<String> failedResults) {
    enum Kind {
      OK,
      MISSING,
      INVALID
    }

    static Loaded problem(String object, Kind kind, String problem) {
      return new Loaded(object, kind, null, problem, Map.of(), List.of(), 0, List.of());
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

  Loaded read(String object, Spec spec) throws IOException {
    byte[] bytes = null;
    for (int attempt = 0; attempt < READ_ATTEMPTS && bytes == null; attempt++) {
      Optional<ObjectInfo> info = store.stat(object);
      if (info.isEmpty()) {
        return Loaded.problem(object, Loaded.Kind.MISSING, "missing");
      }
      if (info.get().size() > MAX_REPORT_BYTES) {
        return tooLarge(object);
      }
      try {
        // A local bucket folder could link a report to a file outside it: never read that.
        store.checkContained("", object);
      } catch (PathEscapesException e) {
        return Loaded.problem(
            object, Loaded.Kind.INVALID, "refused: a link leading outside the bucket folder");
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
    try (JsonParser parser = JSON.createParser(bytes)) {
      return new Scan(object, spec).run(parser);
    } catch (JsonProcessingException e) {
      return Loaded.problem(object, Loaded.Kind.INVALID, "not valid JSON (" + jsonProblem(e) + ")");
    }
  }

  private static Loaded tooLarge(String object) {
    return Loaded.problem(
        object, Loaded.Kind.INVALID, "over the " + MAX_REPORT_BYTES + "-byte limit for reports");
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

  /** One streaming pass over a report. */
  private static final class Scan {
    private static final String SEP = "\u0000";

    private final String object;
    private final Spec spec;

    /** Key paths (joined by SEP) that are wanted or lead to a wanted path. */
    private final Set<String> kept = new HashSet<>();

    private final Set<String> wanted = new HashSet<>();

    /** The current position: one frame per open container, the root first. */
    private final List<Frame> frames = new ArrayList<>();

    private final ObjectNode pruned = JsonNodeFactory.instance.objectNode();
    private final Map<String, Integer> sizes = new HashMap<>();
    private final List<MockIndicators.Finding> findings = new ArrayList<>();
    private int findingCount;
    private final List<String> failedResults = new ArrayList<>();
    private String resultGateId;
    private Boolean resultPassed;

    /** An open container. */
    private static final class Frame {
      final boolean array;

      /** The field name leading here; null for the root and for array elements. */
      final String key;

      /** The index leading here when this is an array element. */
      final int index;

      /** This container's own key, normalized (inherited by array elements), for indicators. */
      final String normalizedKey;

      /** SEP-joined keys from the root while every step is a key; null below an array. */
      final String keyPath;

      /** The pruned copy, when this container is on a wanted path. */
      final ContainerNode<?> copy;

      String fieldName;
      int children;

      Frame(
          boolean array,
          String key,
          int index,
          String normalizedKey,
          String keyPath,
          ContainerNode<?> copy) {
        this.array = array;
        this.key = key;
        this.index = index;
        this.normalizedKey = normalizedKey;
        this.keyPath = keyPath;
        this.copy = copy;
      }
    }

    Scan(String object, Spec spec) {
      this.object = object;
      this.spec = spec;
      for (String path : spec.paths()) {
        String[] parts = path.split("\\.");
        StringBuilder prefix = new StringBuilder();
        for (String part : parts) {
          prefix.append(prefix.length() == 0 ? "" : SEP).append(part);
          kept.add(prefix.toString());
        }
        wanted.add(String.join(SEP, parts));
      }
    }

    Loaded run(JsonParser parser) throws IOException {
      JsonToken first = parser.nextToken();
      if (first != JsonToken.START_OBJECT) {
        return Loaded.problem(
            object,
            Loaded.Kind.INVALID,
            "not a JSON object (top level is " + describe(first) + ")");
      }
      frames.add(new Frame(false, null, -1, "", "", pruned));
      JsonToken token;
      while (!frames.isEmpty() && (token = parser.nextToken()) != null) {
        Frame top = frames.get(frames.size() - 1);
        switch (token) {
          case FIELD_NAME -> top.fieldName = parser.currentName();
          case START_OBJECT -> open(top, false);
          case START_ARRAY -> open(top, true);
          case END_OBJECT, END_ARRAY -> close();
          default -> scalar(top, value(parser, token));
        }
      }
      if (!frames.isEmpty()) {
        return Loaded.problem(object, Loaded.Kind.INVALID, "not valid JSON (truncated)");
      }
      if (parser.nextToken() != null) {
        return Loaded.problem(
            object, Loaded.Kind.INVALID, "not valid JSON (trailing content after the object)");
      }
      return new Loaded(
          object,
          Loaded.Kind.OK,
          pruned,
          null,
          Map.copyOf(sizes),
          List.copyOf(findings),
          findingCount,
          List.copyOf(failedResults));
    }

    private static String describe(JsonToken token) {
      if (token == null) {
        return "empty";
      }
      return switch (token) {
        case START_ARRAY -> "an array";
        case VALUE_STRING -> "a string";
        case VALUE_NUMBER_INT, VALUE_NUMBER_FLOAT -> "a number";
        case VALUE_TRUE, VALUE_FALSE -> "a boolean";
        case VALUE_NULL -> "null";
        default -> token.name().toLowerCase(java.util.Locale.ROOT);
      };
    }

    private static JsonNode value(JsonParser parser, JsonToken token) throws IOException {
      return switch (token) {
        case VALUE_STRING -> TextNode.valueOf(parser.getText());
        case VALUE_TRUE -> BooleanNode.TRUE;
        case VALUE_FALSE -> BooleanNode.FALSE;
        case VALUE_NUMBER_INT ->
            switch (parser.getNumberType()) {
              case INT -> IntNode.valueOf(parser.getIntValue());
              case LONG -> LongNode.valueOf(parser.getLongValue());
              default -> BigIntegerNode.valueOf(parser.getBigIntegerValue());
            };
        case VALUE_NUMBER_FLOAT -> DoubleNode.valueOf(parser.getDoubleValue());
        default -> NullNode.getInstance();
      };
    }

    private static String join(String keyPath, String key) {
      return keyPath.isEmpty() ? key : keyPath + SEP + key;
    }

    private void open(Frame parent, boolean array) {
      Frame frame;
      if (parent.array) {
        frame =
            new Frame(
                array, null, parent.children, parent.normalizedKey, null, (ContainerNode<?>) null);
        if (!array && isResultsArray(parent)) {
          resultGateId = null;
          resultPassed = null;
        }
      } else {
        String key = parent.fieldName;
        String keyPath = parent.keyPath == null ? null : join(parent.keyPath, key);
        ContainerNode<?> copy = null;
        if (keyPath != null && kept.contains(keyPath) && parent.copy instanceof ObjectNode into) {
          copy = array ? into.putArray(key) : into.putObject(key);
        }
        frame = new Frame(array, key, -1, MockIndicators.normalize(key), keyPath, copy);
      }
      frames.add(frame);
    }

    private void close() {
      Frame done = frames.remove(frames.size() - 1);
      if (frames.isEmpty()) {
        return;
      }
      Frame parent = frames.get(frames.size() - 1);
      if (done.keyPath != null && wanted.contains(done.keyPath)) {
        sizes.put(done.keyPath.replace(SEP, "."), done.children);
      }
      if (!done.array
          && isResultsArray(parent)
          && Boolean.FALSE.equals(resultPassed)
          && resultGateId != null
          && failedResults.size() < MAX_FINDINGS) {
        failedResults.add(Json.clip(resultGateId, 80));
      }
      parent.children++;
    }

    /** The top-level {@code results} array of a gate report, when the spec asks for it. */
    private boolean isResultsArray(Frame frame) {
      return spec.failedResults() && frame.array && "results".equals(frame.keyPath);
    }

    private void scalar(Frame parent, JsonNode value) {
      parent.children++;
      if (parent.array) {
        // Array items have no key: nothing to match a criterion or an indicator against.
        return;
      }
      String field = parent.fieldName;
      if (parent.keyPath != null
          && kept.contains(join(parent.keyPath, field))
          && parent.copy instanceof ObjectNode into) {
        into.set(field, value);
      }
      if (frames.size() >= 2 && isResultsArray(frames.get(frames.size() - 2))) {
        if (field.equals("gate_id") && value.isTextual()) {
          resultGateId = value.textValue();
        } else if (field.equals("passed") && value.isBoolean()) {
          resultPassed = value.booleanValue();
        }
      }
      MockIndicators.Finding finding =
          MockIndicators.check(
              MockIndicators.normalize(field),
              parent.normalizedKey,
              value,
              () -> displayPath(field));
      if (finding != null && !spec.notIndicators().contains(finding.path())) {
        findingCount++;
        if (findings.size() < MAX_FINDINGS) {
          findings.add(finding);
        }
      }
    }

    /** The people-readable path of a field of the innermost object: {@code a.b[2].c}. */
    private String displayPath(String field) {
      StringBuilder path = new StringBuilder();
      for (int i = 1; i < frames.size(); i++) {
        Frame frame = frames.get(i);
        if (frame.key == null) {
          path.append('[').append(frame.index).append(']');
        } else {
          path.append(path.length() == 0 ? "" : ".").append(Json.clip(frame.key, 60));
        }
      }
      return path.append(path.length() == 0 ? "" : ".").append(Json.clip(field, 60)).toString();
    }
  }
}
