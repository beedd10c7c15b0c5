package io.spillway.store.file;

import io.spillway.api.SpillConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * Child process of {@link FileStoreStaleSessionIT}: opens a file store session in the directory given as the only
 * argument, stores {@value #KEY}, prints {@code ready <session folder>}, then holds the session until its standard
 * input ends, and closes it.
 */
final class SessionHolderMain {
  static final String KEY = "child-key";
  static final String READY = "ready ";

  private SessionHolderMain() {}

  public static void main(String[] args) throws IOException {
    SpillConfig config = SpillConfig.builder().spillDir(Path.of(args[0])).build();
    try (FileSpillStore store = (FileSpillStore) new FileSpillStoreProvider().create(config)) {
      store.write(KEY, ByteBuffer.wrap("held by a child".getBytes(StandardCharsets.UTF_8)));
      System.out.println(READY + store.sessionDir());
      System.out.flush();
      InputStream in = System.in;
      while (in.read() >= 0) {
        // hold the session until the parent closes our input
      }
    }
  }
}
