/**
 * Spillway's public API: the {@link io.spillway.api.SpillManager}, its {@link io.spillway.api.SpillConfig},
 * the value types it reports and the exceptions it throws.
 *
 * <p>This package depends on the JDK only, so that a plugin author pulls in nothing else.
 */
@NullMarked
package io.spillway.api;

import org.jspecify.annotations.NullMarked;
