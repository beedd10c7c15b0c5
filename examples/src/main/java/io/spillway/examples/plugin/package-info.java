/**
 * A custom spill policy written the way a user would write one: a {@link io.spillway.api.spi.SpillPolicyProvider}
 * registered in this module's own {@code META-INF/services}, depending on spill-api alone, and selected by name
 * with {@code SpillConfig.builder().policy("largest-first")}.
 */
@NullMarked
package io.spillway.examples.plugin;

import org.jspecify.annotations.NullMarked;
