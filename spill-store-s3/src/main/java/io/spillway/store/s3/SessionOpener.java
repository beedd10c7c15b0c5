package io.spillway.store.s3;

import io.spillway.api.SpillConfigurationException;
import io.spillway.api.spi.SpillStore;
import io.spillway.store.s3.S3StoreSettings.ChecksumMode;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.model.NoSuchBucketException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/**
 * Opens s3 store sessions: checks the bucket, probes the server ({@link ServerProbe}), writes the lease and removes
 * dead sessions. With a client of the store's own, a server that alters or refuses the probe's uploads makes it try
 * the client options that such servers need — {@code aws-chunked} encoding off, then SDK checksums only where
 * required as well — and keep the first that works, saying once in the log what it changed and why; with a client
 * of the caller's, or when nothing works, opening fails with a {@link SpillConfigurationException} naming the setting
 * to change. So no value is ever spilled to a server that does not keep what it is sent. A persistent session is
 * taken over ({@link PersistentSession}) once the probe has passed, the probe running in a folder of its own so that
 * it never writes into a session another store may own. Stateless.
 *
 * <p>Internal, may change.
 */
final class SessionOpener {
  private static final System.Logger LOG = System.getLogger(S3SpillStoreProvider.class.getName());

  private SessionOpener() {}

  /**
   * Opens a session on a client the caller made: the probe must pass with that client as it is. With
   * {@code persistent}, takes that persistent session over instead of starting a new one.
   */
  static SpillStore openOnCallersClient(ObjectOps ops, S3StoreSettings settings, @Nullable String persistent)
      throws IOException {
    try {
      checkBucket(ops, settings);
      String folder = S3Keys.newSessionFolder(settings.prefix());
      ServerProfile profile;
      try {
        profile = ServerProbe.run(ops, settings.bucket(), folder);
      } catch (ServerProbe.UploadRejected e) {
        if (!e.definite()) {
          throw new IOException(where(settings) + " " + e.getMessage(), e);
        }
        throw new SpillConfigurationException(where(settings) + " " + e.getMessage()
            + ", so the s3 store cannot spill there with the S3 client given to it. Build that client with"
            + " S3Configuration.chunkedEncodingEnabled(false) and requestChecksumCalculation(WHEN_REQUIRED), or let"
            + " the store build its own (store(\"s3\") with options), which adapts to such servers", e);
      } catch (SdkException e) {
        throw S3Errors.io("probe", settings.bucket(), folder + ServerProbe.PUT_KEY, e);
      }
      return startSession(ops, settings, folder, persistent, profile, "the S3 client given to the store (its"
          + " S3Configuration.chunkedEncodingEnabled and requestChecksumCalculation), or the server altered the"
          + " object");
    } catch (IOException | RuntimeException e) {
      ops.close();
      throw e;
    }
  }

  /**
   * Opens a session on clients of the store's own, made by {@code connect} from settings: those given first, then
   * the fallbacks, until the probe passes. With {@code persistent}, takes that persistent session over instead of
   * starting a new one.
   */
  static SpillStore openOnOwnClient(S3StoreSettings settings, @Nullable String persistent,
      Function<S3StoreSettings, ObjectOps> connect) throws IOException {
    String folder = S3Keys.newSessionFolder(settings.prefix());
    List<ServerProbe.UploadRejected> findings = new ArrayList<>();
    List<S3StoreSettings> candidates = candidates(settings);
    for (S3StoreSettings candidate : candidates) {
      ObjectOps ops = connect.apply(candidate);
      try {
        checkBucket(ops, candidate);
        ServerProfile profile = ServerProbe.run(ops, candidate.bucket(), folder);
        if (candidate != settings) {
          LOG.log(Level.WARNING, where(settings) + " " + findings.get(0).getMessage() + " with "
              + clientOptions(settings) + "; this s3 store uses " + clientOptions(candidate) + " instead, which it"
              + " keeps. Set those options to silence this message.");
        }
        return startSession(ops, candidate, folder, persistent, profile, clientOptions(candidate) + " on this server,"
            + " or the server altered the object; turn s3.chunkedEncoding off and s3.checksumCalculation to"
            + " WHEN_REQUIRED");
      } catch (ServerProbe.UploadRejected e) {
        findings.add(e);
        ops.close();
      } catch (SdkException e) {
        ops.close();
        throw S3Errors.io("probe", candidate.bucket(), folder + ServerProbe.PUT_KEY, e);
      } catch (IOException | RuntimeException e) {
        ops.close();
        throw e;
      }
    }
    StringBuilder message = new StringBuilder(where(settings)).append(' ').append(findings.get(0).getMessage())
        .append(" with ").append(clientOptions(settings));
    for (int i = 1; i < findings.size(); i++) {
      message.append("; with ").append(clientOptions(candidates.get(i))).append(" it ")
          .append(findings.get(i).getMessage());
    }
    ServerProbe.UploadRejected last = findings.get(findings.size() - 1);
    if (findings.stream().allMatch(ServerProbe.UploadRejected::definite)) {
      throw new SpillConfigurationException(message.append(". The s3 store cannot spill to a server that does not"
          + " keep what it is sent: check ").append(S3StoreSettings.ENDPOINT).append(" and the server's S3"
          + " compatibility").toString(), last);
    }
    throw new IOException(message.append(". A connection failed during the probe: the server may be overloaded or"
        + " unreachable").toString(), last);
  }

  /**
   * The settings tried in turn: those given; with {@code aws-chunked} encoding off; with checksums also only where
   * required. Each differs from the one before it.
   */
  static List<S3StoreSettings> candidates(S3StoreSettings settings) {
    List<S3StoreSettings> candidates = new ArrayList<>(List.of(settings));
    if (settings.chunkedEncoding()) {
      candidates.add(settings.withClientOptions(false, settings.checksumCalculation(), settings.checksumValidation()));
    }
    if (settings.checksumCalculation() != ChecksumMode.WHEN_REQUIRED
        || settings.checksumValidation() != ChecksumMode.WHEN_REQUIRED) {
      candidates.add(settings.withClientOptions(false, ChecksumMode.WHEN_REQUIRED, ChecksumMode.WHEN_REQUIRED));
    }
    return candidates;
  }

  static String clientOptions(S3StoreSettings settings) {
    return S3StoreSettings.CHUNKED_ENCODING + "=" + settings.chunkedEncoding() + ", "
        + S3StoreSettings.CHECKSUM_CALCULATION + "=" + settings.checksumCalculation() + ", "
        + S3StoreSettings.CHECKSUM_VALIDATION + "=" + settings.checksumValidation();
  }

  private static String where(S3StoreSettings settings) {
    return "The S3 server at " + settings.endpoint().map(Object::toString).orElse("AWS S3") + " (bucket '"
        + settings.bucket() + "')";
  }

  static void checkBucket(ObjectOps ops, S3StoreSettings settings) throws IOException {
    String bucket = settings.bucket();
    String where = settings.endpoint().map(Object::toString).orElse("AWS S3");
    try {
      ops.headBucket(bucket);
    } catch (NoSuchBucketException e) {
      throw missingBucket(bucket, where, e);
    } catch (S3Exception e) {
      if (e.statusCode() == 404) {
        throw missingBucket(bucket, where, e);
      }
      if (e.statusCode() == 403 || e.statusCode() == 401) {
        throw new SpillConfigurationException("Access to S3 bucket '" + bucket + "' at " + where + " was denied (HTTP "
            + e.statusCode() + "): check the credentials (" + S3StoreSettings.ACCESS_KEY_ID + "/"
            + S3StoreSettings.SECRET_ACCESS_KEY + " or the default chain) and the bucket policy", e);
      }
      throw S3Errors.io("check", bucket, "", e);
    } catch (SdkException e) {
      throw new IOException("Could not reach S3 bucket '" + bucket + "' at " + where + ": " + e.getMessage(), e);
    }
  }

  /**
   * Starts the session: in {@code probeFolder}, where the probe ran, or as persistent session {@code persistent},
   * which it takes over.
   */
  private static SpillStore startSession(ObjectOps ops, S3StoreSettings settings, String probeFolder,
      @Nullable String persistent, ServerProfile profile, String likelyCause) throws IOException {
    String bucket = settings.bucket();
    LOG.log(Level.DEBUG, () -> where(settings) + ": " + profile.describe());
    WriteVerifier verifier = new WriteVerifier(ops, bucket, profile, settings.verifyWrites(), likelyCause);
    S3SpillStore store;
    if (persistent != null) {
      store = new S3SpillStore(ops, settings, profile, verifier, PersistentSession.acquire(ops, settings, persistent));
    } else {
      try {
        S3SpillStore.writeLease(ops, bucket, probeFolder);
      } catch (SdkException e) {
        throw S3Errors.io("lease write", bucket, S3SpillStore.leaseKey(probeFolder), e);
      }
      store = new S3SpillStore(ops, settings, probeFolder, profile, verifier);
    }
    String folder = store.folder();
    if (settings.removeStaleSessions()) {
      try {
        Instant now = Sessions.serverNow(ops, bucket, S3SpillStore.leaseKey(folder));
        // Persistent folders are not session folders, so this never removes one, live or dead.
        Sessions.removeStale(ops, store.deleter(), bucket, S3Keys.base(settings.prefix()), folder, now,
            settings.leaseTimeout());
      } catch (SdkException | IllegalStateException e) {
        // Dead sessions only cost storage; the next session to start tries again.
        LOG.log(Level.WARNING, "Could not remove dead S3 spill sessions under "
            + S3Errors.uri(bucket, S3Keys.base(settings.prefix())) + ": " + e);
      }
    }
    return store;
  }

  private static SpillConfigurationException missingBucket(String bucket, String where, Exception e) {
    return new SpillConfigurationException("S3 bucket '" + bucket + "' does not exist at " + where
        + ": create it, or set option " + S3StoreSettings.BUCKET + " to an existing bucket", e);
  }
}
