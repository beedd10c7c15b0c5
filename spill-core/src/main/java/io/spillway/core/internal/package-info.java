/**
 * Internal, may change: the manager implementation, provider selection and the {@code coldness} policy's data
 * structure. Nothing outside spill-core may use this package.
 */
@NullMarked
package io.spillway.core.internal;

import org.jspecify.annotations.NullMarked;
