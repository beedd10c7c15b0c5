package io.spillway.api.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.NonWritableChannelException;
import org.junit.jupiter.api.Test;

class ByteArrayReadChannelTest {
  private static final byte[] CONTENT = {1, 2, 3, 4, 5, 6, 7};

  @Test
  void read_smallBuffers_returnsTheBytesInOrderThenEndOfStream() throws Exception {
    ByteArrayReadChannel channel = new ByteArrayReadChannel(CONTENT);
    ByteBuffer all = ByteBuffer.allocate(CONTENT.length);
    ByteBuffer three = ByteBuffer.allocate(3);
    int[] counts = new int[3];
    for (int i = 0; i < 3; i++) {
      three.clear();
      counts[i] = channel.read(three);
      three.flip();
      all.put(three);
    }
    assertThat(counts).containsExactly(3, 3, 1);
    assertThat(all.array()).isEqualTo(CONTENT);
    assertThat(channel.read(ByteBuffer.allocate(3))).isEqualTo(-1);
    assertThat(channel.position()).isEqualTo(CONTENT.length);
  }

  @Test
  void position_seekBackAndPastTheEnd_readsFromThereOrEndOfStream() throws Exception {
    ByteArrayReadChannel channel = new ByteArrayReadChannel(CONTENT);
    channel.position(5);
    ByteBuffer buffer = ByteBuffer.allocate(4);
    assertThat(channel.read(buffer)).isEqualTo(2);
    assertThat(buffer.flip()).isEqualTo(ByteBuffer.wrap(new byte[] {6, 7}));
    channel.position(100);
    assertThat(channel.read(ByteBuffer.allocate(1))).isEqualTo(-1);
    assertThat(channel.size()).isEqualTo(CONTENT.length);
    assertThatThrownBy(() -> channel.position(-1)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void writeAndTruncate_always_refused() {
    ByteArrayReadChannel channel = new ByteArrayReadChannel(CONTENT);
    assertThatThrownBy(() -> channel.write(ByteBuffer.allocate(1))).isInstanceOf(NonWritableChannelException.class);
    assertThatThrownBy(() -> channel.truncate(0)).isInstanceOf(NonWritableChannelException.class);
  }

  @Test
  void close_thenUse_throwsClosedChannelException() {
    ByteArrayReadChannel channel = new ByteArrayReadChannel(CONTENT);
    channel.close();
    assertThat(channel.isOpen()).isFalse();
    assertThatThrownBy(() -> channel.read(ByteBuffer.allocate(1))).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(channel::position).isInstanceOf(ClosedChannelException.class);
    assertThatThrownBy(channel::size).isInstanceOf(ClosedChannelException.class);
  }
}
