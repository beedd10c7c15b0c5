/**
 * A {@link io.spillway.api.SpillConfig} from a YAML, JSON or properties file, from {@code spillway.*} system
 * properties and from {@code SPILLWAY_*} environment variables: {@link io.spillway.config.SpillConfigs}.
 *
 * <pre>{@code
 * // The file named by -Dspillway.configFile or SPILLWAY_CONFIG_FILE (if any), under the environment, under -D flags:
 * SpillManager manager = Spillway.newManager(SpillConfigs.load().listener(myListener).build());
 *
 * // Or one source alone:
 * SpillConfig config = SpillConfigs.fromFile(Path.of("/etc/my-app/spillway.yaml")).build();
 * }</pre>
 *
 * <p>Every method returns a fresh {@link io.spillway.api.SpillConfig.Builder} holding what its sources give, so that
 * code can still add what no text can name: {@code listener(...)} and {@code spillExecutor(...)} are out of this
 * module's scope and are given in code. A setting the sources give cannot be given again in code (the builder takes
 * each setting once: {@link java.lang.IllegalStateException}).
 *
 * <h2>A complete YAML file</h2>
 * <pre>{@code
 * # spillway.yaml: every key is optional; what is left out keeps the builder's default.
 * maxMemory: 2GiB               # the budget (default 512MiB)
 * spillThreshold: 0.8           # spill from 80% of the budget ... (0 to 1; the builder clamps to 0.10-0.99)
 * targetAfterSpill: 0.6         # ... down to 60% (0 to 1; clamped to 0.10-0.90)
 * minSpillSize: 1MiB            # manual segments under this are never victims
 * accessDecay: 0.95             # the coldness policy's decay, above 0 and at most 1
 * ioThreads: 4                  # spills at once (default: the store's choice)
 * spillDir: /var/tmp/my-app     # or several, one per disk:  spillDirs: [/disk1/spill, /disk2/spill]
 * policy: adaptive              # a policy provider's name (default: the highest priority one)
 * store: file                   # a store provider's name: file, s3, tiered, ...
 * checksum: crc32c              # checksum of new frames
 * frameVersion: 3               # 3, or 2 for RedDB (then no compression, no encryption)
 * compression: auto             # none, auto, lz4, zstd (lz4 and zstd need spill-compress)
 * encryption: aes-gcm           # none or aes-gcm
 * fsync: false                  # force every spill to the device
 * persistentSession: orders     # keep what is spilled across restarts, under this name
 * maxStoreBytes: 50GiB          # store quota, or unlimited (the default)
 * spillMode: background         # background or synchronous
 * maxBlock: 30s                 # longest wait for room in the budget
 *
 * # Plugin options: nested mappings are dotted keys, so "file: {appendFiles: 2}" is the option file.appendFiles.
 * file:
 *   logFileSize: auto
 *   appendFiles: 2
 * zstd.level: 3
 * encryption.keyProvider: key-file            # dotted: "encryption" itself is a setting above
 * encryption.keyFile: /etc/my-app/spill.key
 * # s3:  {bucket: my-bucket, region: eu-west-1}    with store: s3
 * # tiered: {primary: file, secondary: s3, primaryQuota: 20GiB}    with store: tiered
 * }</pre>
 *
 * <h2>Formats</h2>
 * <ul>
 *   <li><b>YAML</b> ({@code .yaml}, {@code .yml}) and <b>JSON</b> ({@code .json}): one mapping (object) of keys, in
 *       UTF-8. A nested mapping stands for dotted keys: {@code s3: {bucket: b}} is {@code s3.bucket: b}; the two
 *       spellings mix freely, but a key given twice, in either spelling, is an error. Values are single values
 *       (text, number, {@code true}/{@code false}, each taken as written: {@code 0012} stays {@code 0012}) or, for
 *       {@code spillDirs} only, a list. One document only; anchors and aliases work as YAML defines them.</li>
 *   <li><b>Properties</b> ({@code .properties}): {@link java.util.Properties} syntax in UTF-8, flat dotted keys
 *       ({@code maxMemory = 2GiB}, {@code s3.bucket = b}); {@code spillDirs} is a comma-separated list. A key given
 *       twice is an error (plain {@code Properties} would keep the last).</li>
 *   <li><b>System properties</b>: {@code spillway.} and the key, {@code -Dspillway.maxMemory=2GiB},
 *       {@code -Dspillway.s3.bucket=b}; {@code spillDirs} comma-separated. {@code spillway.configFile} is not a
 *       setting (it names the file {@link io.spillway.config.SpillConfigs#load()} reads); any other
 *       {@code spillway.*} property must be a valid key.</li>
 *   <li><b>Environment variables</b>: {@code SPILLWAY_}, then the key in upper case with {@code _} for each dot and
 *       before each upper-case letter that follows a lower-case letter or a digit: {@code maxMemory} is
 *       {@code SPILLWAY_MAX_MEMORY}, {@code file.logFileSize} is {@code SPILLWAY_FILE_LOG_FILE_SIZE},
 *       {@code file.appendFiles} is {@code SPILLWAY_FILE_APPEND_FILES}, {@code s3.bucket} is
 *       {@code SPILLWAY_S3_BUCKET}, {@code encryption.keyProvider} is {@code SPILLWAY_ENCRYPTION_KEY_PROVIDER}. Only
 *       settings and <em>declared</em> option keys (below) can be reached this way, since a name in upper case cannot
 *       be turned back into a key it was not made from. Never read as settings: {@code SPILLWAY_CONFIG_FILE} (the
 *       file {@code load()} reads), {@code SPILLWAY_ENCRYPTION_KEY} (the {@code env} key provider's key) and the
 *       variable named by option {@code encryption.keyVariable} in any source. Any other {@code SPILLWAY_*}
 *       variable must stand for a valid key.</li>
 * </ul>
 *
 * <h2>Settings</h2>
 * Each key is the {@link io.spillway.api.SpillConfig.Builder} method of the same name, whose documentation gives the
 * meaning and default.
 * <table>
 *   <caption>Keys and their values</caption>
 *   <tr><th>key</th><th>value</th></tr>
 *   <tr><td>{@code maxMemory}, {@code minSpillSize}</td><td>a size</td></tr>
 *   <tr><td>{@code maxStoreBytes}</td><td>a size, or {@code unlimited}</td></tr>
 *   <tr><td>{@code spillThreshold}, {@code targetAfterSpill}</td><td>a decimal number from 0 to 1 (the builder
 *       then clamps it, as RedDB does)</td></tr>
 *   <tr><td>{@code accessDecay}</td><td>a decimal number above 0, at most 1</td></tr>
 *   <tr><td>{@code ioThreads}</td><td>a whole number, 1 or more</td></tr>
 *   <tr><td>{@code frameVersion}</td><td>{@code 2} or {@code 3}</td></tr>
 *   <tr><td>{@code spillDir}</td><td>a path</td></tr>
 *   <tr><td>{@code spillDirs}</td><td>a list of paths (in text: comma-separated); not with {@code spillDir}</td></tr>
 *   <tr><td>{@code policy}, {@code store}, {@code checksum}, {@code compression}</td><td>a provider's name (a name
 *       not on the class path fails when the manager opens, listing those found)</td></tr>
 *   <tr><td>{@code persistentSession}</td><td>a session name (1 to 64 of {@code A-Z a-z 0-9 . _ -})</td></tr>
 *   <tr><td>{@code encryption}</td><td>{@code none} or {@code aes-gcm}</td></tr>
 *   <tr><td>{@code fsync}</td><td>{@code true} or {@code false}</td></tr>
 *   <tr><td>{@code spillMode}</td><td>{@code background} or {@code synchronous}</td></tr>
 *   <tr><td>{@code maxBlock}</td><td>a duration</td></tr>
 * </table>
 * Forms, strict (anything else fails; blanks around a value are ignored; words in any case):
 * <ul>
 *   <li>a <b>size</b> is a whole number of bytes, optionally followed by a unit, all powers of 1024:
 *       {@code B}, {@code KiB}, {@code MiB}, {@code GiB}, {@code TiB}, or the JVM's {@code k}, {@code m}, {@code g},
 *       {@code t} ({@code 536870912}, {@code 512MiB}, {@code 512m}, {@code 2g}). {@code KB}, {@code MB}, {@code GB}
 *       are refused, since they mean 1000 or 1024 depending on who wrote them; so are fractions ({@code 1.5g}: write
 *       {@code 1536m}) and signs.</li>
 *   <li>a <b>duration</b> is ISO-8601 ({@code PT30S}, {@code PT0.25S}) or a whole number and one of {@code ms},
 *       {@code s}, {@code m}, {@code h}, {@code d} ({@code 250ms}, {@code 30s}); a bare number is refused
 *       (seconds? milliseconds?).</li>
 *   <li>a <b>decimal number</b> is digits with an optional point and exponent ({@code 0.8}, {@code .8},
 *       {@code 8e-1}); not {@code NaN}, {@code Infinity} or a percentage.</li>
 * </ul>
 *
 * <h2>Plugin options</h2>
 * Any other key is a plugin option, passed to {@link io.spillway.api.SpillConfig.Builder#option} with its value's
 * text as written. The valid option keys are found at each call, on the class path (or module path), from the
 * plugins' {@code optionKeys()} ({@link io.spillway.api.spi.SpillStoreProvider#optionKeys()},
 * {@link io.spillway.api.spi.CompressionCodecProvider#optionKeys()},
 * {@link io.spillway.api.spi.SpillKeyProvider#optionKeys()},
 * {@link io.spillway.api.spi.SpillPolicyProvider#optionKeys()}), plus {@code encryption.keyProvider}, which the core
 * reads. With the bundled modules they are: {@code file.logFileSize}, {@code file.ownFileThreshold},
 * {@code file.compactBelow}, {@code file.maxUsedShare}, {@code file.appendFiles} (spill-store-file); the
 * {@code s3.*} keys of {@code io.spillway.store.s3.S3StoreSettings} ({@code s3.bucket}, {@code s3.region},
 * {@code s3.endpoint}, ...; spill-store-s3); {@code tiered.primary}, {@code tiered.secondary},
 * {@code tiered.primaryQuota}, {@code encryption.keyProvider}, {@code encryption.keyFile},
 * {@code encryption.keyVariable} (spill-core); {@code zstd.level} (spill-compress);
 * {@code policy.reloadLatencyNanos}, {@code policy.reloadBytesPerSecond} (the {@code adaptive} policy,
 * spill-policy-lfu). An option key is accepted if it
 * is declared; or if no plugin declares a key in its namespace (the text before its first dot) and a plugin of that
 * name declares none (a plugin of your own that does not, say): then it is passed on
 * unchecked, for the plugin to judge. Any other key fails as unknown. Option <em>values</em> are checked by their
 * plugin when the manager opens, naming the key (a store's {@code create}); this module checks only that each is a
 * single value. Error messages never show an option's value (it may be a secret, such as
 * {@code s3.secretAccessKey}).
 *
 * <h2>Precedence</h2>
 * {@link io.spillway.config.SpillConfigs#load(java.nio.file.Path, java.util.Properties, java.util.Map)} reads, from
 * lowest to highest: the file, the environment, the system properties; a key given by several takes the highest's
 * value, each key on its own (options included). {@code spillDir} and {@code spillDirs} count as one key: the
 * higher source's replaces either in a lower one. System properties rank above the environment because a
 * {@code -D} flag names one JVM while an environment is inherited by every process a shell starts, and because
 * Spring Boot and MicroProfile Config rank them so. Each source is checked whole on its own first, so a wrong value
 * fails even where a higher source overrides it. {@link io.spillway.config.SpillConfigs#load()} takes the file from
 * system property {@code spillway.configFile}, else from {@code SPILLWAY_CONFIG_FILE}, else reads none.
 *
 * <h2>Errors</h2>
 * Every failure is an {@link io.spillway.api.SpillConfigurationException} whose message starts with the source (the
 * file's path as given, {@code YAML text}, {@code JSON text}, {@code properties text}, {@code system properties},
 * {@code environment}) and names the key as that source spells it, with the line where the source has lines:
 * <ul>
 *   <li>{@code spillway.yaml: unknown key 'maxMemroy' (did you mean 'maxMemory'?) (line 2)} — the nearest valid
 *       key by edit distance (ignoring case), spelt as the source would: {@code 'spillway.maxMemory'},
 *       {@code 'SPILLWAY_MAX_MEMORY'}; for an option whose namespace no plugin on the class path owns (the plugin's
 *       module is missing, say), followed by {@code ; no plugin on the class path reads options under 's4.'};</li>
 *   <li>{@code spillway.yaml: key 'spillThreshold': expected a number between 0 and 1, got 'high' (line 3)}; also
 *       {@code got a list}, {@code got a mapping}, {@code got no value} for a value of the wrong shape;</li>
 *   <li>{@code spillway.yaml: key 'persistentSession': persistentSession must be 1 to 64 characters ...} — a value
 *       of the right form that the builder refuses, with the builder's reason;</li>
 *   <li>{@code spillway.yaml: key 'maxMemory' given twice (lines 1 and 4)};</li>
 *   <li>{@code spillway.yaml: malformed YAML at line 3, column 7: ...}, the parser's reason;
 *       {@code spillway.yaml: empty; expected a mapping of settings ...}; {@code ... not UTF-8 text};</li>
 *   <li>{@code /etc/app/spillway.yaml: no such config file (absolute: ...)}; {@code ...: unknown format; name the file
 *       *.yaml, *.yml, *.json or *.properties};</li>
 *   <li>{@code spillway.yaml, environment: the settings do not go together: compression 'lz4' needs frame version 3;
 *       v2 frames carry none} — settings each fine alone, from the sources named.</li>
 * </ul>
 *
 * <p>Depends on spill-api and Jackson's streaming parsers ({@code jackson-core}, {@code jackson-dataformat-yaml},
 * which brings SnakeYAML) only; the core does not depend on this module.
 */
@NullMarked
package io.spillway.config;

import org.jspecify.annotations.NullMarked;
