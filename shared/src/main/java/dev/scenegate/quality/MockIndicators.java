package dev.scenegate.quality;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Finds signs of a mock or dev-only run anywhere in a report, at any depth (the runbook's
 * production flags may be echoed in a config or environment section, or per episode). Keys are
 * compared without case, '_' or '-', so {@code use_mock_capture}, {@code useMockCapture} and {@code
 * USE_MOCK_CAPTURE} are the same key. Flag values are read leniently: {@code true}, a non-zero
 * number and the strings true/1/yes/on/y are "set"; {@code false}, 0 and false/0/no/off/n/"" are
 * "unset"; null is absent.
 *
 * <p>The indicators (runbook "Required Production Flags" and "Pass/Fail Criteria"):
 *
 * <ul>
 *   <li>set: {@code use_mock_capture}, {@code allow_mock_capture}, {@code allow_mock_data}, {@code
 *       mock_capture}, {@code mock_data}, {@code use_mock}, {@code is_mock}, {@code mock}, {@code
 *       mock_fallback}, {@code mock_fallback_used}, {@code used_mock_fallback}, {@code
 *       fallback_to_mock}, {@code dev_only_fallback}, {@code dev_only_fallback_used};
 *   <li>unset: {@code require_real_physics}, {@code isaac_sim_required}, {@code physx_used};
 *   <li>{@code data_quality_level} other than {@code production};
 *   <li>{@code sensor_capture_mode} other than {@code isaac_sim};
 *   <li>{@code capture_mode} containing {@code mock};
 *   <li>{@code physics_backend}, {@code physics_engine}, and {@code backend} inside a {@code
 *       physics_validation} or {@code physics} object, naming anything but PhysX ({@code physx},
 *       {@code PhysX 5}, {@code isaac_sim_physx} ...);
 *   <li>a count above zero in {@code non_physx_episode_count}, {@code mock_episode_count}, {@code
 *       mock_frame_count}, {@code mock_capture_count}.
 * </ul>
 */
final class MockIndicators {
  private MockIndicators() {}

  /** One indicator found: where (dotted path), what value, and what production needs. */
  record Finding(String path, String value, String expected) {
    String describe() {
      return "mock indicator " + path + " = " + value + " (" + expected + ")";
    }
  }

  private enum Rule {
    MUST_BE_UNSET("production needs false"),
    MUST_BE_SET("production needs true"),
    PRODUCTION_LEVEL("production needs \"production\""),
    ISAAC_SIM_CAPTURE("production needs \"isaac_sim\""),
    NO_MOCK_MODE("mock capture is not allowed in production"),
    PHYSX_BACKEND("production needs PhysX"),
    ZERO_COUNT("production needs 0");

    final String expected;

    Rule(String expected) {
      this.expected = expected;
    }
  }

  private static final Map<String, Rule> RULES =
      Map.ofEntries(
          Map.entry("usemockcapture", Rule.MUST_BE_UNSET),
          Map.entry("allowmockcapture", Rule.MUST_BE_UNSET),
          Map.entry("allowmockdata", Rule.MUST_BE_UNSET),
          Map.entry("mockcapture", Rule.MUST_BE_UNSET),
          Map.entry("mockdata", Rule.MUST_BE_UNSET),
          Map.entry("usemock", Rule.MUST_BE_UNSET),
          Map.entry("ismock", Rule.MUST_BE_UNSET),
          Map.entry("mock", Rule.MUST_BE_UNSET),
          Map.entry("mockfallback", Rule.MUST_BE_UNSET),
          Map.entry("mockfallbackused", Rule.MUST_BE_UNSET),
          Map.entry("usedmockfallback", Rule.MUST_BE_UNSET),
          Map.entry("fallbacktomock", Rule.MUST_BE_UNSET),
          Map.entry("devonlyfallback", Rule.MUST_BE_UNSET),
          Map.entry("devonlyfallbackused", Rule.MUST_BE_UNSET),
          Map.entry("requirerealphysics", Rule.MUST_BE_SET),
          Map.entry("isaacsimrequired", Rule.MUST_BE_SET),
          Map.entry("physxused", Rule.MUST_BE_SET),
          Map.entry("dataqualitylevel", Rule.PRODUCTION_LEVEL),
          Map.entry("sensorcapturemode", Rule.ISAAC_SIM_CAPTURE),
          Map.entry("capturemode", Rule.NO_MOCK_MODE),
          Map.entry("physicsbackend", Rule.PHYSX_BACKEND),
          Map.entry("physicsengine", Rule.PHYSX_BACKEND),
          Map.entry("nonphysxepisodecount", Rule.ZERO_COUNT),
          Map.entry("mockepisodecount", Rule.ZERO_COUNT),
          Map.entry("mockframecount", Rule.ZERO_COUNT),
          Map.entry("mockcapturecount", Rule.ZERO_COUNT));

  /** {@code backend} is too generic on its own; it counts inside these objects only. */
  private static final Set<String> PHYSICS_PARENTS = Set.of("physicsvalidation", "physics");

  private static final Pattern PHYSX =
      Pattern.compile("(isaac[ _-]?sim[ _-]?)?physx([ _-]?v?[0-9][0-9.]*)?");

  private static final Set<String> TRUTHY = Set.of("true", "1", "yes", "on", "y");
  private static final Set<String> FALSY = Set.of("false", "0", "no", "off", "n", "");

  private record Frame(JsonNode node, String path, String key) {}

  /**
   * Every indicator in {@code root}, in document order. Paths in {@code skip} (dotted, e.g. {@code
   * physics_validation.physx_used}) are left out where a gate checks them as criteria already.
   */
  static List<Finding> scan(JsonNode root, Set<String> skip) {
    List<Finding> findings = new ArrayList<>();
    // Iterative, so nesting depth is bounded by the parser's limits, not the call stack.
    Deque<Frame> stack = new ArrayDeque<>();
    stack.push(new Frame(root, "", ""));
    while (!stack.isEmpty()) {
      Frame frame = stack.pop();
      JsonNode node = frame.node();
      List<Frame> children = new ArrayList<>();
      if (node.isObject()) {
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
          Map.Entry<String, JsonNode> field = fields.next();
          String key = normalize(field.getKey());
          String path =
              (frame.path().isEmpty() ? "" : frame.path() + ".") + Json.clip(field.getKey(), 60);
          JsonNode value = field.getValue();
          if (!skip.contains(path)) {
            Rule rule = RULES.get(key);
            if (rule == null && key.equals("backend") && PHYSICS_PARENTS.contains(frame.key())) {
              rule = Rule.PHYSX_BACKEND;
            }
            if (rule != null && violates(rule, value)) {
              findings.add(new Finding(path, Json.show(value), rule.expected));
            }
          }
          if (value.isContainerNode()) {
            children.add(new Frame(value, path, key));
          }
        }
      } else if (node.isArray()) {
        for (int i = 0; i < node.size(); i++) {
          if (node.get(i).isContainerNode()) {
            children.add(new Frame(node.get(i), frame.path() + "[" + i + "]", frame.key()));
          }
        }
      }
      for (int i = children.size() - 1; i >= 0; i--) {
        stack.push(children.get(i));
      }
    }
    return findings;
  }

  private static boolean violates(Rule rule, JsonNode value) {
    if (value == null || value.isNull() || value.isContainerNode()) {
      // An object under a flag's name (e.g. a config section) is searched, not judged.
      return false;
    }
    return switch (rule) {
      case MUST_BE_UNSET -> flag(value) == Boolean.TRUE;
      case MUST_BE_SET -> flag(value) == Boolean.FALSE;
      case PRODUCTION_LEVEL -> !(value.isTextual() && lower(value).equals("production"));
      case ISAAC_SIM_CAPTURE ->
          !(value.isTextual() && lower(value).replaceAll("[ _-]", "").equals("isaacsim"));
      case NO_MOCK_MODE -> value.isTextual() && lower(value).contains("mock");
      case PHYSX_BACKEND -> !(value.isTextual() && PHYSX.matcher(lower(value)).matches());
      case ZERO_COUNT -> {
        Long count = Json.wholeNumber(value);
        yield count == null || count != 0;
      }
    };
  }

  /** TRUE set, FALSE unset, null when the value says neither. */
  private static Boolean flag(JsonNode value) {
    if (value.isBoolean()) {
      return value.booleanValue();
    }
    if (value.isNumber()) {
      return value.doubleValue() != 0;
    }
    if (value.isTextual()) {
      String text = lower(value);
      if (TRUTHY.contains(text)) {
        return Boolean.TRUE;
      }
      if (FALSY.contains(text)) {
        return Boolean.FALSE;
      }
    }
    return null;
  }

  private static String lower(JsonNode value) {
    return value.textValue().trim().toLowerCase(Locale.ROOT);
  }

  private static String normalize(String key) {
    StringBuilder out = new StringBuilder(key.length());
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      if (c != '_' && c != '-' && c != ' ') {
        out.append(Character.toLowerCase(c));
      }
    }
    return out.toString();
  }
}
