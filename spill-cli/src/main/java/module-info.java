/**
 * spill-cli, the command-line tool over spill directories and S3 prefixes: {@code ls}, {@code verify}, {@code cat},
 * {@code gc}. It reads stores through {@link io.spillway.api.spi.SpillStoreProvider#inspect} and frames through the
 * core's decoder; the stores and compression codecs it reads with are found at run time.
 *
 * <p>Exports its entry point, {@code io.spillway.cli.SpillCli}, and opens its package to picocli alone, which sets
 * the commands' option fields reflectively.
 */
module io.spillway.cli {
  requires io.spillway.core;
  requires info.picocli;
  requires java.logging;

  exports io.spillway.cli;

  opens io.spillway.cli to info.picocli;

  uses io.spillway.api.spi.SpillStoreProvider;
}
