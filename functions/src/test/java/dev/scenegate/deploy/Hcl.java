package dev.scenegate.deploy;

import com.bertramlabs.plugins.hcl4j.RuntimeSymbols.VariableTree;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Reading hcl4j's untyped result: nested blocks are maps, or lists of maps when repeated. */
final class Hcl {
  private Hcl() {}

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object value) {
    return value instanceof Map<?, ?> m ? (Map<String, Object>) m : Map.of();
  }

  /** The nested blocks called {@code name}; empty when there are none. */
  static List<Map<String, Object>> blocks(Map<String, Object> body, String name) {
    Object value = body.get(name);
    List<Map<String, Object>> blocks = new ArrayList<>();
    if (value instanceof Map<?, ?>) {
      blocks.add(map(value));
    } else if (value instanceof List<?> list) {
      list.stream().filter(Map.class::isInstance).forEach(item -> blocks.add(map(item)));
    }
    return blocks;
  }

  /** The single nested block at {@code path} (e.g. "template", "template"); empty if absent. */
  static Map<String, Object> block(Map<String, Object> body, String... path) {
    Map<String, Object> current = body;
    for (String name : path) {
      List<Map<String, Object>> found = blocks(current, name);
      if (found.size() != 1) {
        return Map.of();
      }
      current = found.get(0);
    }
    return current;
  }

  /**
   * A literal (string, number, boolean) or a plain reference ({@code google_x.y.email}, which hcl4j
   * keeps as a VariableTree) as text; null for anything else, such as a function call.
   */
  static String text(Map<String, Object> body, String attribute) {
    Object value = body.get(attribute);
    return value instanceof String
            || value instanceof Number
            || value instanceof Boolean
            || value instanceof VariableTree
        ? String.valueOf(value)
        : null;
  }
}
