package org.bitclass.gguf;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** The key-value metadata of a GGUF file, in file order, with typed getters that name the missing key. */
public final class GgufMetadata {

    private final LinkedHashMap<String, GgufValue> entries = new LinkedHashMap<>();

    public GgufMetadata() {
    }

    public GgufMetadata(GgufMetadata other) {
        entries.putAll(other.entries);
    }

    public int size() {
        return entries.size();
    }

    public Set<String> keys() {
        return Collections.unmodifiableSet(entries.keySet());
    }

    public Map<String, GgufValue> asMap() {
        return Collections.unmodifiableMap(entries);
    }

    public boolean contains(String key) {
        return entries.containsKey(key);
    }

    public Optional<GgufValue> find(String key) {
        return Optional.ofNullable(entries.get(key));
    }

    public GgufValue get(String key) {
        GgufValue v = entries.get(key);
        if (v == null) {
            throw new IllegalArgumentException("missing metadata key '" + key + "'");
        }
        return v;
    }

    public String getString(String key) {
        GgufValue v = get(key);
        if (v.type() != GgufValueType.STRING) {
            throw new IllegalArgumentException("metadata key '" + key + "' is " + v.type() + ", expected STRING");
        }
        return (String) v.value();
    }

    public String getString(String key, String fallback) {
        return contains(key) ? getString(key) : fallback;
    }

    public long getLong(String key) {
        return get(key).asLong();
    }

    public int getInt(String key) {
        long v = getLong(key);
        if (v != (int) v) {
            throw new IllegalArgumentException("metadata key '" + key + "' = " + v + " does not fit in an int");
        }
        return (int) v;
    }

    public int getInt(String key, int fallback) {
        return contains(key) ? getInt(key) : fallback;
    }

    public float getFloat(String key) {
        return (float) get(key).asDouble();
    }

    public float getFloat(String key, float fallback) {
        return contains(key) ? getFloat(key) : fallback;
    }

    public boolean getBool(String key, boolean fallback) {
        return contains(key) ? get(key).asLong() != 0 : fallback;
    }

    public GgufArray getArray(String key) {
        return get(key).asArray();
    }

    public GgufMetadata put(String key, GgufValue value) {
        entries.put(key, value);
        return this;
    }

    public GgufMetadata putString(String key, String value) {
        return put(key, GgufValue.ofString(value));
    }

    public GgufMetadata putUInt32(String key, int value) {
        return put(key, GgufValue.ofUInt32(value));
    }

    public GgufMetadata putFloat32(String key, float value) {
        return put(key, GgufValue.ofFloat32(value));
    }

    public GgufMetadata putBool(String key, boolean value) {
        return put(key, GgufValue.ofBool(value));
    }

    public GgufMetadata remove(String key) {
        entries.remove(key);
        return this;
    }

    /** The architecture name ({@code general.architecture}), used as the prefix of model keys. */
    public String architecture() {
        return getString("general.architecture");
    }
}
