package io.spillway.api.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SeekableByteChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ForwardingSpillStoreTest {
  /** Records each call; answers with fixed values. */
  private static final class Recording implements SpillStore {
    final List<String> calls = new ArrayList<>();

    @Override
    public URI write(String key, ByteBuffer... chunks) {
      calls.add("write " + key);
      return URI.create("rec:/" + key);
    }

    @Override
    public SeekableByteChannel openRead(String key) {
      calls.add("openRead " + key);
      return new ByteArrayReadChannel(new byte[] {1});
    }

    @Override
    public boolean delete(String key) {
      calls.add("delete " + key);
      return true;
    }

    @Override
    public Set<String> list() {
      calls.add("list");
      return Set.of("k");
    }

    @Override
    public URI location(String key) {
      calls.add("location " + key);
      return URI.create("rec:/at/" + key);
    }

    @Override
    public long usage() {
      calls.add("usage");
      return 7;
    }

    @Override
    public void close() {
      calls.add("close");
    }

    @Override
    public void discard() {
      calls.add("discard");
    }
  }

  @Test
  void everyMethod_isForwarded_persistentSessionsOnesIncluded() throws Exception {
    Recording delegate = new Recording();
    SpillStore store = new ForwardingSpillStore(delegate) {};

    assertThat(store.write("k")).isEqualTo(URI.create("rec:/k"));
    store.openRead("k").close();
    assertThat(store.delete("k")).isTrue();
    assertThat(store.list()).containsExactly("k");
    assertThat(store.location("k")).isEqualTo(URI.create("rec:/at/k"));
    assertThat(store.usage()).isEqualTo(7);
    store.close();
    store.discard();

    assertThat(delegate.calls).containsExactly("write k", "openRead k", "delete k", "list", "location k", "usage",
        "close", "discard");
  }
}
