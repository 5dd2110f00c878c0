package dev.scenegate.fleet;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;

/** The board's stylesheet and script, shipped in the jar: nothing is fetched from elsewhere. */
final class BoardAssets {
  static final String CSS = load("board.css");
  static final String JS = load("board.js");

  private BoardAssets() {}

  private static String load(String name) {
    try (InputStream in = BoardAssets.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name + " in the scenegate jar");
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A Content-Security-Policy source allowing exactly this inline text ({@code 'sha256-...'}). */
  static String cspHash(String inline) {
    try {
      byte[] digest =
          MessageDigest.getInstance("SHA-256").digest(inline.getBytes(StandardCharsets.UTF_8));
      return "'sha256-" + Base64.getEncoder().encodeToString(digest) + "'";
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
