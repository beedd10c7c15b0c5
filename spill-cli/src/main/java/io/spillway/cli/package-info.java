/**
 * The {@code spill-cli} tool: {@link io.spillway.cli.SpillCli} and its subcommands.
 */
@NullMarked
package io.spillway.cli;

import org.jspecify.annotations.NullMarked;
