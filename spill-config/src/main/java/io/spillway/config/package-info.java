/** Config. */
@NullMarked
package io.spillway.config;

import org.jspecify.annotations.NullMarked;
