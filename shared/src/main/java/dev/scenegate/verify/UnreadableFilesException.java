package dev.scenegate.verify;

import java.io.IOException;
import java.util.List;

/**
 * Listed files that exist but cannot be read (permission denied, a folder where a file should be):
 * the manifest cannot be verified as it describes, so no verdict. Names every such file.
 */
public final class UnreadableFilesException extends IOException {
  private final List<String> files;

  /**
   * @param files "path (reason)", sorted
   */
  public UnreadableFilesException(List<String> files) {
    super(
        "cannot read "
            + files.size()
            + (files.size() == 1 ? " listed file: " : " listed files: ")
            + String.join(", ", files));
    this.files = List.copyOf(files);
  }

  public List<String> files() {
    return files;
  }
}
