package org.bitclass.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.bitclass.gguf.GgmlType;
import org.bitclass.gguf.GgufArray;
import org.bitclass.gguf.GgufModel;
import org.bitclass.gguf.GgufValue;
import org.bitclass.gguf.GgufValueType;
import org.bitclass.gguf.TensorInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.PrintStream;
import java.lang.reflect.Array;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;

/** {@code bitclass inspect FILE}: what a GGUF file holds, like gguf-dump, as a table or JSON. */
@Command(name = "inspect",
        header = "Show what a GGUF file holds: metadata, tensors, sizes, BPW.", mixinStandardHelpOptions = true,
        description = "Show a GGUF file's architecture, size, bits per weight, metadata and tensors. Split models"
                + " (NAME-00001-of-00003.gguf) are shown as one model.",
        footer = {"", "Examples:", "  bitclass inspect model.gguf", "  bitclass inspect --all --json model.gguf > model.json"})
public final class InspectCommand implements Callable<Integer> {

    private static final int SHORT_ARRAY = 8;

    @Parameters(paramLabel = "FILE", description = "the GGUF file (any part of a split model)")
    Path file;

    @Option(names = "--all", description = "show every element of long metadata arrays (default: the first "
            + SHORT_ARRAY + ")")
    boolean all;

    @Option(names = "--json", description = "print JSON for machines instead of tables")
    boolean json;

    @Option(names = "--no-tensors", description = "leave out the tensor table")
    boolean noTensors;

    @Override
    public Integer call() throws Exception {
        try (GgufModel model = GgufModel.open(file)) {
            PrintStream out = System.out;
            if (json) {
                out.println(new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValueAsString(toJson(model)));
            } else {
                printText(model, out);
            }
            out.flush();
        }
        return 0;
    }

    ObjectNode toJson(GgufModel model) {
        JsonNodeFactory f = JsonNodeFactory.instance;
        ObjectNode root = f.objectNode();
        root.put("file", model.path().toString());
        root.put("parts", model.parts().size());
        root.put("version", model.parts().getFirst().version());
        root.put("alignment", model.parts().getFirst().alignment());
        root.put("architecture", model.metadata().getString("general.architecture", null));
        Totals totals = Totals.of(model);
        root.put("parameters", totals.elements);
        root.put("tensor_bytes", totals.bytes);
        root.put("file_bytes", model.fileSize());
        root.put("bpw", totals.bpw());
        ObjectNode types = root.putObject("types");
        totals.byType.forEach((type, t) -> types.putObject(type.name()).put("tensors", t.count).put("bytes", t.bytes)
                .put("parameters", t.elements));
        ObjectNode meta = root.putObject("metadata");
        model.metadata().asMap().forEach((k, v) -> meta.set(k, valueJson(v, f)));
        if (!noTensors) {
            ArrayNode tensors = root.putArray("tensors");
            for (TensorInfo t : model.tensors()) {
                ObjectNode n = tensors.addObject();
                n.put("name", t.name());
                n.put("type", t.type().name());
                ArrayNode shape = n.putArray("shape");
                for (long d : t.shape()) {
                    shape.add(d);
                }
                n.put("offset", t.offset());
                n.put("bytes", t.nBytes());
            }
        }
        return root;
    }

    private JsonNode valueJson(GgufValue v, JsonNodeFactory f) {
        ObjectNode n = f.objectNode();
        n.put("type", v.type().name());
        if (v.type() == GgufValueType.ARRAY) {
            GgufArray a = v.asArray();
            n.put("element_type", a.elementType().name());
            n.put("length", a.length());
            ArrayNode items = n.putArray("value");
            int shown = all ? a.length() : Math.min(a.length(), SHORT_ARRAY);
            for (int i = 0; i < shown; i++) {
                items.add(a.elementType() == GgufValueType.ARRAY
                        ? valueJson(GgufValue.ofArray((GgufArray) Array.get(a.elements(), i)), f)
                        : scalarJson(a.element(i), f));
            }
        } else {
            n.set("value", scalarJson(v, f));
        }
        return n;
    }

    private static JsonNode scalarJson(GgufValue v, JsonNodeFactory f) {
        return switch (v.type()) {
            case STRING -> f.textNode((String) v.value());
            case BOOL -> f.booleanNode((Boolean) v.value());
            case FLOAT32, FLOAT64 -> f.numberNode(v.asDouble());
            case UINT64 -> f.numberNode(new java.math.BigInteger(Long.toUnsignedString(v.asLong())));
            default -> f.numberNode(v.asLong());
        };
    }

    private void printText(GgufModel model, PrintStream out) {
        Totals totals = Totals.of(model);
        var first = model.parts().getFirst();
        out.printf("file:          %s%s%n", model.path(), model.parts().size() > 1
                ? " (" + model.parts().size() + " parts)" : "");
        out.printf("format:        GGUF v%d, alignment %d, %d metadata keys, %d tensors, %s on disk%n",
                first.version(), first.alignment(), model.metadata().size(), model.tensors().size(),
                Units.bytes(model.fileSize()));
        out.printf("architecture:  %s%n", model.metadata().getString("general.architecture", "(not set)"));
        if (model.metadata().contains("general.name")) {
            out.printf("name:          %s%n", model.metadata().getString("general.name"));
        }
        out.printf("parameters:    %s%n", Units.count(totals.elements));
        out.printf("tensor data:   %s, %.3f bits per weight%n", Units.bytes(totals.bytes), totals.bpw());
        out.println();
        out.println("tensor types:");
        totals.byType.forEach((type, t) -> out.printf("  %-8s %5d tensors %12s params %12s%n", type, t.count,
                Units.count(t.elements), Units.bytes(t.bytes)));
        out.println();
        out.println("metadata:");
        int keyWidth = model.metadata().keys().stream().mapToInt(String::length).max().orElse(10);
        model.metadata().asMap().forEach((k, v) -> out.printf("  %-" + keyWidth + "s  %-8s %s%n", k, typeLabel(v),
                shorten(v.toDisplayString(all ? Integer.MAX_VALUE : SHORT_ARRAY))));
        if (!noTensors) {
            out.println();
            int nameWidth = model.tensors().stream().mapToInt(t -> t.name().length()).max().orElse(10);
            out.printf("  %5s  %-" + nameWidth + "s  %-8s %-24s %12s%n", "#", "tensor", "type", "shape", "size");
            int i = 0;
            for (TensorInfo t : model.tensors()) {
                out.printf("  %5d  %-" + nameWidth + "s  %-8s %-24s %12s%n", i++, t.name(), t.type(), t.shapeString(),
                        Units.bytes(t.nBytes()));
            }
        }
    }

    /** Long values (a chat template) are cut in the table unless --all; --json always has them whole. */
    private String shorten(String text) {
        int max = 100;
        return all || text.length() <= max ? text : text.substring(0, max) + "... (" + text.length() + " chars)";
    }

    private static String typeLabel(GgufValue v) {
        return v.type() == GgufValueType.ARRAY ? "[" + v.asArray().elementType() + "]" : v.type().name();
    }

    /** Element and byte counts, overall and per tensor type. */
    private record Totals(long elements, long bytes, Map<GgmlType, TypeTotal> byType) {
        static Totals of(GgufModel model) {
            Map<GgmlType, TypeTotal> byType = new TreeMap<>();
            long elements = 0;
            long bytes = 0;
            for (TensorInfo t : model.tensors()) {
                elements += t.nElements();
                bytes += t.nBytes();
                byType.computeIfAbsent(t.type(), k -> new TypeTotal()).add(t);
            }
            return new Totals(elements, bytes, byType);
        }

        double bpw() {
            return elements == 0 ? 0 : 8.0 * bytes / elements;
        }
    }

    private static final class TypeTotal {
        int count;
        long elements;
        long bytes;

        void add(TensorInfo t) {
            count++;
            elements += t.nElements();
            bytes += t.nBytes();
        }
    }
}
