package dev.scenegate.scene;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import dev.scenegate.storage.ObjectContent;
import dev.scenegate.storage.ObjectInfo;
import dev.scenegate.storage.ObjectStore;
import dev.scenegate.storage.ObjectTooLargeException;
import java.io.IOException;
import java.util.Locale;
import java.util.Optional;

/**
 * What {@code scenes/<scene_id>/config.json} says about the scene: the one parse, used by the
 * marker function's state machine and by {@code check}. {@code use_geniesim} accepts the JSON
 * booleans and the strings {@code "true"}/{@code "false"} in any case (DESIGN); any other value, or
 * a file that is not a JSON object, makes the config invalid: {@code problem} says why, and the
 * Genie Sim stages are required. Absent means the runbook's default (Genie Sim used), with {@code
 * generation} 0.
 */
public record SceneConfig(
    String object,
    @JsonFormat(shape = JsonFormat.Shape.STRING) long generation,
    boolean useGeniesim,
    String problem) {
  public static final String FILE_NAME = "config.json";

  /** config.json is a few lines; anything bigger is not a config. */
  public static final int MAX_BYTES = 64 * 1024;

  /** Untrusted input: a duplicate key is ambiguous, trailing content is not one document. */
  private static final ObjectMapper STRICT =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  /** A parsed config with a line for people: what was found, or what is wrong. */
  public record Reading(SceneConfig config, String detail) {}

  public static SceneConfig absent(String sceneId) {
    return new SceneConfig(SceneIds.folder(sceneId) + FILE_NAME, 0, true, null);
  }

  /** A config that was understood (absent counts); an invalid one keeps the Genie Sim stages. */
  public boolean valid() {
    return problem == null;
  }

  public boolean present() {
    return generation != 0;
  }

  /** Parses the bytes of {@code object} at {@code generation}. */
  public static Reading parse(String object, long generation, byte[] bytes) {
    JsonNode tree;
    try {
      tree = STRICT.readTree(bytes);
    } catch (JsonProcessingException e) {
      return invalid(object, generation, "not valid JSON", e.getOriginalMessage());
    } catch (IOException e) {
      return invalid(object, generation, "not valid JSON", e.getMessage());
    }
    if (tree == null || !tree.isObject()) {
      return invalid(object, generation, "not a JSON object", null);
    }
    JsonNode use = tree.get("use_geniesim");
    if (use == null || use.isNull()) {
      return new Reading(
          new SceneConfig(object, generation, true, null), "use_geniesim not set (true)");
    }
    Boolean value = null;
    if (use.isBoolean()) {
      value = use.booleanValue();
    } else if (use.isTextual()) {
      String text = use.textValue().toLowerCase(Locale.ROOT);
      value = text.equals("true") ? Boolean.TRUE : text.equals("false") ? Boolean.FALSE : null;
    }
    if (value == null) {
      return invalid(
          object,
          generation,
          "use_geniesim is not a boolean",
          "found " + shown(use) + ", not true/false");
    }
    return new Reading(new SceneConfig(object, generation, value, null), "use_geniesim " + value);
  }

  /**
   * Reads the scene's config from {@code store}. {@code known} (from the state) is reused when its
   * generation is still current, so most deliveries cost one stat. Only storage faults are thrown.
   */
  public static Reading read(ObjectStore store, String sceneId, SceneConfig known)
      throws IOException {
    String name = SceneIds.folder(sceneId) + FILE_NAME;
    Optional<ObjectInfo> info = store.stat(name);
    if (info.isEmpty()) {
      return new Reading(absent(sceneId), "absent (use_geniesim true)");
    }
    if (known != null
        && known.generation() == info.get().generation()
        && name.equals(known.object())) {
      return new Reading(
          known, known.valid() ? "use_geniesim " + known.useGeniesim() : known.problem());
    }
    Optional<ObjectContent> content;
    try {
      content = store.readCurrent(name, MAX_BYTES);
    } catch (ObjectTooLargeException e) {
      return invalid(name, info.get().generation(), "larger than " + MAX_BYTES + " bytes", null);
    }
    if (content.isEmpty()) {
      return new Reading(absent(sceneId), "absent (use_geniesim true)");
    }
    return parse(name, content.get().generation(), content.get().bytes());
  }

  private static Reading invalid(String object, long generation, String problem, String more) {
    return new Reading(
        new SceneConfig(object, generation, true, problem),
        more == null ? problem : problem + ": " + more);
  }

  private static String shown(JsonNode node) {
    if (node.isTextual()) {
      String text = node.textValue().replaceAll("\\p{Cntrl}", "?");
      return "a string \"" + (text.length() > 60 ? text.substring(0, 60) + "..." : text) + "\"";
    }
    if (node.isNumber()) {
      return "a number " + node.asText();
    }
    return node.isObject() ? "an object" : node.isArray() ? "an array" : node.getNodeType().name();
  }
}
