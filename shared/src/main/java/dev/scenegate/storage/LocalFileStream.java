package dev.scenegate.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;

/**
 * What {@link LocalObjectStore#open} returns: an ordinary stream over one file that also lends its
 * {@link FileChannel}, so a hasher can read straight into a direct buffer instead of copying every
 * chunk into the heap first. Both views share one position.
 */
public final class LocalFileStream extends InputStream {
  private final FileChannel channel;
  private final InputStream in;

  LocalFileStream(FileChannel channel) {
    this.channel = channel;
    this.in = Channels.newInputStream(channel);
  }

  /** The open channel; closing this stream closes it. */
  public FileChannel channel() {
    return channel;
  }

  @Override
  public int read() throws IOException {
    return in.read();
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    return in.read(b, off, len);
  }

  @Override
  public long skip(long n) throws IOException {
    return in.skip(n);
  }

  @Override
  public int available() throws IOException {
    return in.available();
  }

  @Override
  public void close() throws IOException {
    in.close();
  }
}
