package io.spillway.store.file;

import io.spillway.api.SpillConfig;
import io.spillway.api.spi.SpillStore;
import io.spillway.api.spi.SpillStoreProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The local-directory spill store, named {@code "file"}, priority 0: the store used when none is named and no
 * store of higher priority is on the class path.
 *
 * <h2>Settings</h2>
 * It reads {@link SpillConfig#spillDir()}, created with its parents when missing, and {@link SpillConfig#fsync()}.
 * It has no {@link SpillConfig#options() options} of its own.
 *
 * <h2>Layout</h2>
 * Each {@link #create} makes a session folder of its own inside the spill directory,
 * {@code session-<pid>-<process start in epoch ms>-<16 random hex digits>}, so that any number of stores, in one
 * process or in several, can share a spill directory without ever touching each other's files. The folder holds:
 * <ul>
 *   <li>{@code session.lock}, on which the session holds an exclusive {@link java.nio.channels.FileLock} for its
 *       whole life;</li>
 *   <li>one file per value: {@code k-<escaped key>.spill}, where the key's UTF-8 bytes outside {@code a-z 0-9 - _}
 *       are written {@code %} plus two lowercase hex digits, or, when that would exceed 200 characters,
 *       {@code h-<SHA-256 of the key, hex>.spill} with the key's UTF-8 bytes in {@code h-<same hex>.key}. The
 *       mapping is reversible (so {@code list()} reads the keys back from the folder), never yields a separator,
 *       a dot name, an upper-case letter or a reserved Windows name, and so cannot escape the folder or collide on a
 *       case-insensitive filesystem, whatever the key holds;</li>
 *   <li>{@code tmp-*.part} files, briefly, while a write is under way.</li>
 * </ul>
 * A value file holds exactly the bytes written, with no header of its own; {@code write} returns its
 * {@code file:} URI.
 *
 * <h2>Writes</h2>
 * A write goes to a temporary file in the session folder, with gathering writes of the caller's buffers (never
 * copied into one array), and is published by an atomic rename over the previous value: a reader sees the old
 * value or the whole new one, never part of one. If anything fails (a full disk, say) the temporary file is
 * deleted, the previous value stays, and an {@link IOException} naming the key and the path is thrown. With
 * {@link SpillConfig#fsync()} the file's content is forced to the device before the rename, and the folder is
 * synced after it where the platform allows. Without it a value may be lost in an operating system crash, which
 * costs nothing: a session's data never outlives its process.
 *
 * <h2>Sessions and stale sessions</h2>
 * {@link SpillStore#close()} deletes the session's files, its lock file and its folder. A process that dies
 * without closing leaves its folder behind, but the operating system releases its lock; so {@code create} first
 * scans the spill directory and deletes every {@code session-*} folder whose lock it can take, as that folder's
 * owner is dead. A folder whose lock is held, by another process or by this one, is live and left alone; the
 * folders of this very process (same pid and start time) are not even probed, because with POSIX locks closing a
 * probe would release this process's own lock. Folders a scan cannot delete are logged through
 * {@link System.Logger} and left for the next scan.
 *
 * <h2>Thread safety</h2>
 * This provider is stateless. Its stores are thread-safe: operations on different keys run in parallel, and
 * {@code usage()} stays exact under concurrency. {@code close()} waits for operations in flight; afterwards every
 * method but {@code close()} throws {@link IllegalStateException}. Channels returned by {@code openRead} remain the
 * caller's to close.
 */
public final class FileSpillStoreProvider implements SpillStoreProvider {

  /** Creates the provider; it holds no state. */
  public FileSpillStoreProvider() {}

  @Override
  public String name() {
    return "file";
  }

  @Override
  public int priority() {
    return 0;
  }

  /**
   * Removes dead sessions from {@code config.spillDir()}, then opens a new session folder there.
   *
   * @throws IOException if the spill directory or the session folder cannot be created or locked
   */
  @Override
  public SpillStore create(SpillConfig config) throws IOException {
    Path spillDir = config.spillDir();
    SessionFolders.Locked session;
    try {
      Files.createDirectories(spillDir);
      SessionFolders.removeStale(spillDir);
      session = SessionFolders.create(spillDir);
    } catch (IOException e) {
      throw new IOException("Could not open a file spill session in " + spillDir + ": " + e.getMessage(), e);
    }
    return new FileSpillStore(session, config.fsync());
  }
}
