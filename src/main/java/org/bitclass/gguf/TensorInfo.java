package org.bitclass.gguf;

import java.util.Arrays;
import java.util.stream.Collectors;

/**
 * A tensor's header entry: name, shape in GGUF order ({@code shape[0]} = ne0 = row length), type and the
 * byte offset of its data relative to the start of the data section.
 */
public record TensorInfo(String name, long[] shape, GgmlType type, long offset) {

    public TensorInfo {
        shape = shape.clone();
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int nDims() {
        return shape.length;
    }

    /** Elements per row (ne0). */
    public long rowLength() {
        return shape[0];
    }

    /** Number of rows: the product of every dimension after the first. */
    public long rows() {
        long n = 1;
        for (int i = 1; i < shape.length; i++) {
            n *= shape[i];
        }
        return n;
    }

    public long nElements() {
        return rowLength() * rows();
    }

    public long nBytes() {
        return type.bytesFor(nElements());
    }

    public long dim(int i) {
        return i < shape.length ? shape[i] : 1;
    }

    public TensorInfo withType(GgmlType newType) {
        return new TensorInfo(name, shape, newType, offset);
    }

    public TensorInfo withOffset(long newOffset) {
        return new TensorInfo(name, shape, type, newOffset);
    }

    public String shapeString() {
        return Arrays.stream(shape).mapToObj(Long::toString).collect(Collectors.joining(", ", "[", "]"));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof TensorInfo t && name.equals(t.name) && Arrays.equals(shape, t.shape)
                && type == t.type && offset == t.offset;
    }

    @Override
    public int hashCode() {
        return name.hashCode() * 31 + Arrays.hashCode(shape);
    }

    @Override
    public String toString() {
        return name + " " + type + " " + shapeString();
    }
}
