package org.bitclass.serve;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.util.ArrayList;
import java.util.List;

/** Typed, range-checked access to a request's JSON fields; a wrong type or value is a 400 naming the field. */
final class Fields {

    private final ObjectNode body;

    Fields(JsonNode body) {
        if (!(body instanceof ObjectNode object)) {
            throw ApiException.badRequest("the request body must be a JSON object");
        }
        this.body = object;
    }

    /** The field, or null when absent or JSON null. */
    JsonNode get(String name) {
        JsonNode n = body.get(name);
        return n == null || n.isNull() ? null : n;
    }

    boolean has(String name) {
        return get(name) != null;
    }

    String string(String name, String fallback) {
        JsonNode n = get(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isTextual()) {
            throw ApiException.badRequest("'" + name + "' must be a string");
        }
        return n.textValue();
    }

    boolean bool(String name, boolean fallback) {
        JsonNode n = get(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isBoolean()) {
            throw ApiException.badRequest("'" + name + "' must be true or false");
        }
        return n.booleanValue();
    }

    double number(String name, double fallback, double min, double max) {
        JsonNode n = get(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isNumber()) {
            throw ApiException.badRequest("'" + name + "' must be a number");
        }
        double v = n.doubleValue();
        if (!(v >= min && v <= max)) {
            throw ApiException.badRequest("'" + name + "' must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    long integer(String name, long fallback, long min, long max) {
        JsonNode n = get(name);
        if (n == null) {
            return fallback;
        }
        if (!n.isIntegralNumber() || !n.canConvertToLong()) {
            throw ApiException.badRequest("'" + name + "' must be an integer");
        }
        long v = n.longValue();
        if (v < min || v > max) {
            throw ApiException.badRequest("'" + name + "' must be between " + min + " and " + max + ", got " + v);
        }
        return v;
    }

    /** {@code stop}: a string or an array of strings. */
    List<String> strings(String name) {
        JsonNode n = get(name);
        List<String> out = new ArrayList<>();
        if (n == null) {
            return out;
        }
        if (n.isTextual()) {
            out.add(n.textValue());
            return out;
        }
        if (!n.isArray()) {
            throw ApiException.badRequest("'" + name + "' must be a string or an array of strings");
        }
        for (JsonNode e : n) {
            if (!e.isTextual()) {
                throw ApiException.badRequest("'" + name + "' must be a string or an array of strings");
            }
            out.add(e.textValue());
        }
        return out;
    }

    /** An array of integers (token ids). */
    int[] ints(String name) {
        JsonNode n = get(name);
        if (n == null || !n.isArray()) {
            throw ApiException.badRequest("'" + name + "' must be an array of integers");
        }
        int[] out = new int[n.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode e = n.get(i);
            if (!e.isIntegralNumber() || !e.canConvertToInt()) {
                throw ApiException.badRequest("'" + name + "' must be an array of integers");
            }
            out[i] = e.intValue();
        }
        return out;
    }
}
