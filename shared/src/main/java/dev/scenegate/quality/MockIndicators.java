package dev.scenegate.quality;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * Recognises signs of a mock or dev-only run anywhere in a report, at any depth (the runbook's
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

  /** Every finding's message starts with this, so readers can tell indicators from criteria. */
  static final String PREFIX = "mock indicator ";

  /** One indicator found: where (dotted path), what value, and what production needs. */
  record Finding(String path, String value, String expected) {
    String describe() {
      return PREFIX + path + " = " + value + " (" + expected + ")";
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

  /**
   * The indicator a scalar field is, or null. {@code key} and {@code parentKey} (the key of the
   * object holding the field, or of the array holding that object) are {@link #normalize}d; {@code
   * path} names the field for the message and is only built for a finding.
   */
  static Finding check(String key, String parentKey, JsonNode value, Supplier<String> path) {
    Rule rule = RULES.get(key);
    if (rule == null && key.equals("backend") && PHYSICS_PARENTS.contains(parentKey)) {
      rule = Rule.PHYSX_BACKEND;
    }
    if (rule == null || !violates(rule, value)) {
      return null;
    }
    return new Finding(path.get(), Json.show(value), rule.expected);
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

  /** Lowercase without '_', '-' and spaces: the form keys are matched in. */
  static String normalize(String key) {
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
