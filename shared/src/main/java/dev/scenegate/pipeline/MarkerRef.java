package dev.scenegate.pipeline;

/** One object generation inside a bucket the state already names: a stage's trigger. */
public record MarkerRef(String object, long generation) {
  public static MarkerRef of(String object, long generation) {
    return new MarkerRef(object, generation);
  }

  public String key(String bucket) {
    return bucket + "/" + object + "#" + generation;
  }
}
