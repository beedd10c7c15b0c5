package io.spillway.config;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.exc.StreamReadException;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.spillway.api.SpillConfigurationException;
import io.spillway.config.Source.Entry;
import io.spillway.config.Source.Kind;
import io.spillway.config.Source.RawValue;
import java.io.IOException;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;

/**
 * Reads the sources into {@link Source}s: YAML and JSON through Jackson's streaming parsers (token by token, so that
 * a scalar keeps its text as written, {@code 0012} stays {@code 0012}, and each key its line), properties through
 * {@link Properties}, system properties and environment variables by their prefixes. Nested mappings become dotted
 * keys ({@code s3: {bucket: b}} is {@code s3.bucket}); a key given twice, either way, is an error. Stateless; the
 * factories are thread-safe. Internal, may change.
 */
final class Documents {
  /** Prefix of the system properties read. */
  static final String PROPERTY_PREFIX = "spillway.";
  /** Prefix of the environment variables read. */
  static final String VARIABLE_PREFIX = "SPILLWAY_";

  private static final JsonFactory JSON = JsonFactory.builder().build();
  private static final JsonFactory YAML = YAMLFactory.builder().build();

  private Documents() {}

  static Source yaml(Reader reader, String name) {
    return tree(YAML, reader, name, "YAML", "a mapping of settings, such as 'maxMemory: 512MiB'");
  }

  static Source json(Reader reader, String name) {
    return tree(JSON, reader, name, "JSON", "an object of settings, such as {\"maxMemory\": \"512MiB\"}");
  }

  private static Source tree(JsonFactory factory, Reader reader, String name, String format, String expected) {
    List<Entry> entries = new ArrayList<>();
    try (JsonParser parser = factory.createParser(reader)) {
      JsonToken first = parser.nextToken();
      if (first == null) {
        throw new SpillConfigurationException(name + ": empty; expected " + expected);
      }
      if (first != JsonToken.START_OBJECT) {
        throw new SpillConfigurationException(name + ": expected " + expected + ", got " + what(first)
            + at(parser.currentTokenLocation()));
      }
      readMapping(parser, "", name, entries);
      if (parser.nextToken() != null) {
        throw new SpillConfigurationException(name + ": more than one document" + at(parser.currentTokenLocation())
            + "; give every setting in one " + (format.equals("JSON") ? "object" : "mapping"));
      }
    } catch (StreamReadException e) {
      if (causedByCoding(e)) {
        throw new SpillConfigurationException(name + ": not UTF-8 text" + at(e.getLocation()), e);
      }
      throw new SpillConfigurationException(name + ": malformed " + format + at(e.getLocation()) + ": "
          + oneLine(e.getOriginalMessage()), e);
    } catch (CharacterCodingException e) {
      throw new SpillConfigurationException(name + ": not UTF-8 text", e);
    } catch (IOException e) {
      throw new SpillConfigurationException(name + ": could not be read: " + e, e);
    }
    checkDuplicates(name, entries);
    return new Source(name, entries, UnaryOperator.identity());
  }

  private static void readMapping(JsonParser parser, String parent, String name, List<Entry> entries)
      throws IOException {
    while (parser.nextToken() == JsonToken.FIELD_NAME) {
      String field = parser.currentName();
      int line = parser.currentTokenLocation().getLineNr();
      String key = parent.isEmpty() ? field : parent + "." + field;
      JsonToken token = parser.nextToken();
      if (token == JsonToken.START_OBJECT) {
        readMapping(parser, key, name, entries);
        continue;
      }
      RawValue value;
      if (token == JsonToken.START_ARRAY) {
        List<String> items = new ArrayList<>();
        for (JsonToken item = parser.nextToken(); item != JsonToken.END_ARRAY; item = parser.nextToken()) {
          if (scalar(item) == null || item == JsonToken.VALUE_NULL) {
            throw new SpillConfigurationException(name + ": key '" + key + "': expected a list of single values, "
                + "got " + what(item) + " in it" + at(parser.currentTokenLocation()));
          }
          items.add(parser.getText());
        }
        value = new RawValue(Kind.LIST, "", items);
      } else {
        Kind kind = scalar(token);
        if (kind == null) {
          throw new SpillConfigurationException(name + ": key '" + key + "': expected a single value, got "
              + what(token) + at(parser.currentTokenLocation()));
        }
        value = new RawValue(kind, kind == Kind.NULL ? "" : parser.getText(), List.of());
      }
      entries.add(new Entry(key, key, value, line, parent));
    }
  }

  private static Source.@Nullable Kind scalar(@Nullable JsonToken token) {
    if (token == null) {
      return null;
    }
    switch (token) {
      case VALUE_STRING:
        return Kind.TEXT;
      case VALUE_NUMBER_INT:
      case VALUE_NUMBER_FLOAT:
        return Kind.NUMBER;
      case VALUE_TRUE:
      case VALUE_FALSE:
        return Kind.BOOLEAN;
      case VALUE_NULL:
        return Kind.NULL;
      default:
        return null;
    }
  }

  private static String what(@Nullable JsonToken token) {
    if (token == null) {
      return "the end of the text";
    }
    switch (token) {
      case START_OBJECT:
        return "a mapping";
      case START_ARRAY:
        return "a list";
      case VALUE_NULL:
        return "no value";
      default:
        return "a single value";
    }
  }

  private static void checkDuplicates(String name, List<Entry> entries) {
    Map<String, Entry> seen = new HashMap<>();
    for (Entry entry : entries) {
      Entry before = seen.putIfAbsent(entry.key(), entry);
      if (before != null) {
        throw new SpillConfigurationException(name + ": key '" + entry.key() + "' given twice"
            + (entry.line() > 0 ? " (lines " + before.line() + " and " + entry.line() + ")" : ""));
      }
    }
  }

  static Source properties(Reader reader, String name) {
    StrictProperties properties = new StrictProperties();
    try {
      properties.load(reader);
    } catch (CharacterCodingException e) {
      throw new SpillConfigurationException(name + ": not UTF-8 text", e);
    } catch (IOException e) {
      throw new SpillConfigurationException(name + ": could not be read: " + e, e);
    } catch (IllegalArgumentException e) {
      throw new SpillConfigurationException(name + ": malformed properties: " + e.getMessage(), e);
    }
    if (properties.duplicate != null) {
      throw new SpillConfigurationException(name + ": key '" + properties.duplicate + "' given twice");
    }
    if (properties.isEmpty()) {
      throw new SpillConfigurationException(name + ": empty; expected settings, such as 'maxMemory = 512MiB'");
    }
    List<Entry> entries = new ArrayList<>();
    for (String key : new TreeSet<>(properties.stringPropertyNames())) {
      entries.add(new Entry(key, key, RawValue.text(properties.getProperty(key)), 0, ""));
    }
    return new Source(name, entries, UnaryOperator.identity());
  }

  /** {@link Properties} that remembers the first key given twice, where plain properties keep the last value. */
  private static final class StrictProperties extends Properties {
    private static final long serialVersionUID = 1L;
    @Nullable String duplicate;

    @Override
    public synchronized @Nullable Object put(Object key, Object value) {
      Object before = super.put(key, value);
      if (before != null && duplicate == null) {
        duplicate = String.valueOf(key);
      }
      return before;
    }
  }

  /** The {@code spillway.*} properties of {@code properties} but those in {@code ignored}. */
  static Source systemProperties(Properties properties, Set<String> ignored) {
    List<Entry> entries = new ArrayList<>();
    for (String property : new TreeSet<>(properties.stringPropertyNames())) {
      if (property.startsWith(PROPERTY_PREFIX) && !ignored.contains(property)) {
        entries.add(new Entry(property.substring(PROPERTY_PREFIX.length()), property,
            RawValue.text(properties.getProperty(property)), 0, ""));
      }
    }
    return new Source("system properties", entries, key -> PROPERTY_PREFIX + key);
  }

  /**
   * The {@code SPILLWAY_*} variables of {@code environment} but those in {@code ignored}, each mapped to the key
   * whose {@link KnownKeys#environmentName} it is (a variable that maps to none keeps its name as its key: unknown).
   *
   * @throws SpillConfigurationException if a variable maps to two keys
   */
  static Source environment(Map<String, String> environment, KnownKeys known, Set<String> ignored) {
    List<Entry> entries = new ArrayList<>();
    for (Map.Entry<String, String> variable : new TreeMap<>(environment).entrySet()) {
      String name = variable.getKey();
      if (!name.startsWith(VARIABLE_PREFIX) || ignored.contains(name)) {
        continue;
      }
      List<String> keys = known.keysOfEnvironmentName(name);
      if (keys.size() > 1) {
        throw new SpillConfigurationException("environment: variable '" + name + "' stands for each of " + keys
            + "; give these in a file or as system properties");
      }
      entries.add(new Entry(keys.isEmpty() ? name : keys.get(0), name, RawValue.text(variable.getValue()), 0, ""));
    }
    return new Source("environment", entries, KnownKeys::environmentName);
  }

  private static boolean causedByCoding(Throwable e) {
    // SnakeYAML wraps the reader's MalformedInputException in its own exception, which Jackson wraps in turn.
    for (Throwable cause = e.getCause(); cause != null; cause = cause.getCause()) {
      if (cause instanceof CharacterCodingException) {
        return true;
      }
    }
    return false;
  }

  private static String at(@Nullable JsonLocation location) {
    if (location == null || location.getLineNr() < 1) {
      return "";
    }
    return " at line " + location.getLineNr() + (location.getColumnNr() > 0 ? ", column " + location.getColumnNr()
        : "");
  }

  private static String oneLine(@Nullable String message) {
    // SnakeYAML names its input "'reader'": no help to someone who knows the source's name already.
    if (message == null) {
      return "(no detail)";
    }
    return message.strip().replaceAll("\\s*\\R\\s*", " ").replace(" in 'reader',", ",");
  }
}
