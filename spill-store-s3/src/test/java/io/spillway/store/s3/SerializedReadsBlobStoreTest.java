package io.spillway.store.s3;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.google.common.io.ByteSource;
import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.jclouds.ContextBuilder;
import org.jclouds.blobstore.BlobStore;
import org.jclouds.blobstore.BlobStoreContext;
import org.jclouds.blobstore.ContainerNotFoundException;
import org.junit.jupiter.api.Test;

class SerializedReadsBlobStoreTest {

  /**
   * Decided by states, not by timing: the first read stays in the backend until another caller is blocked outside it
   * (on the wrapper's lock) or has come in beside it, and the first other call stays until a second one has come in
   * beside it, which only an unserialized call can (the highest counts are the conditions: a call that came in and
   * left between two polls still counts).
   */
  @Test
  void getBlobAndBlobMetadata_fromManyThreads_runOneAtATime_andOtherCallsDoNot() throws Exception {
    AtomicInteger inside = new AtomicInteger();
    AtomicInteger mostInsideReads = new AtomicInteger();
    AtomicInteger mostInsideOthers = new AtomicInteger();
    AtomicBoolean firstRead = new AtomicBoolean(true);
    AtomicBoolean firstOther = new AtomicBoolean(true);
    List<Thread> workers = new CopyOnWriteArrayList<>();
    ExecutorService pool = Executors.newFixedThreadPool(4, task -> {
      Thread worker = new Thread(task);
      workers.add(worker);
      return worker;
    });
    BlobStore backend = (BlobStore) Proxy.newProxyInstance(BlobStore.class.getClassLoader(),
        new Class<?>[] {BlobStore.class}, (proxy, method, args) -> {
          boolean read = method.getName().equals("getBlob") || method.getName().equals("blobMetadata");
          int now = inside.incrementAndGet();
          (read ? mostInsideReads : mostInsideOthers).accumulateAndGet(now, Math::max);
          if (read && firstRead.getAndSet(false)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> mostInsideReads.get() > 1
                || workers.stream().anyMatch(worker -> worker.getState() == Thread.State.BLOCKED));
          } else if (!read && firstOther.getAndSet(false)) {
            await().atMost(Duration.ofSeconds(30)).until(() -> mostInsideOthers.get() > 1);
          }
          inside.decrementAndGet();
          return method.getName().equals("blobExists") ? Boolean.TRUE : null;
        });
    BlobStore wrapped = SerializedReadsBlobStore.wrap(backend);
    try {
      List<Future<?>> calls = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        calls.add(pool.submit(() -> wrapped.getBlob("c", "k")));
        calls.add(pool.submit(() -> wrapped.blobMetadata("c", "k")));
      }
      for (Future<?> call : calls) {
        call.get(1, TimeUnit.MINUTES);
      }
      assertThat(mostInsideReads).as("reads in the backend at once").hasValue(1);
      calls.clear();
      for (int i = 0; i < 40; i++) {
        calls.add(pool.submit(() -> wrapped.blobExists("c", "k")));
      }
      for (Future<?> call : calls) {
        assertThat(call.get(1, TimeUnit.MINUTES)).isEqualTo(Boolean.TRUE);
      }
      assertThat(mostInsideOthers).as("other calls are not serialized").hasValueGreaterThan(1);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void overTheInMemoryBackend_readsReturnTheBlob_andItsExceptionsComeThroughAsThrown() throws Exception {
    try (BlobStoreContext context = ContextBuilder.newBuilder("transient").credentials("identity", "credential")
        .build(BlobStoreContext.class)) {
      BlobStore store = SerializedReadsBlobStore.wrap(context.getBlobStore());
      store.createContainerInLocation(null, "c");
      store.putBlob("c", store.blobBuilder("k").payload(ByteSource.wrap(new byte[] {1, 2, 3})).build());

      assertThat(store.blobMetadata("c", "k").getSize()).isEqualTo(3);
      assertThat(store.getBlob("c", "k").getPayload().openStream().readAllBytes()).containsExactly(1, 2, 3);
      assertThat(store.blobMetadata("c", "missing")).isNull();
      assertThatThrownBy(() -> store.getBlob("no-such-container", "k"))
          .isInstanceOf(ContainerNotFoundException.class);
    }
  }
}
