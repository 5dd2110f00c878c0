package dev.scenegate.quality;

import java.util.List;

/** Every criterion evaluated for one scene; the run passes when none failed. */
public record CheckReport(String sceneId, String scenePrefix, List<CheckCriterion> criteria) {

  public CheckReport {
    criteria = List.copyOf(criteria);
  }

  public boolean passed() {
    return failed().isEmpty();
  }

  public List<CheckCriterion> failed() {
    return criteria.stream().filter(c -> c.status() == CheckCriterion.Status.FAIL).toList();
  }
}
