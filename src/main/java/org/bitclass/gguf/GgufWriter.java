package org.bitclass.gguf;

import org.bitclass.io.OutputFile;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.lang.reflect.Array;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes a GGUF file streaming: the header (metadata and tensor infos with offsets computed from the
 * shapes) goes out first, then each tensor's bytes in header order as the caller produces them, padded to the
 * alignment exactly as llama.cpp pads. Everything goes through an {@link OutputFile}: renamed into place only by
 * {@link #commit()}; closing without committing (an error, Ctrl-C) deletes it.
 */
public final class GgufWriter implements AutoCloseable {

    private static final int CHUNK = 1 << 26;

    private final OutputFile out;
    private final FileChannel channel;
    private final List<TensorInfo> tensors;
    private final int alignment;
    private int current;
    private long writtenOfCurrent;
    private boolean committed;

    private GgufWriter(OutputFile out, FileChannel channel, List<TensorInfo> tensors, int alignment) {
        this.out = out;
        this.channel = channel;
        this.tensors = tensors;
        this.alignment = alignment;
    }

    /** Starts a GGUF v3 file; tensor offsets in {@code tensors} are ignored and laid out anew. */
    public static GgufWriter create(Path target, GgufMetadata metadata, List<TensorInfo> tensors) throws IOException {
        return create(target, metadata, tensors, 3, true);
    }

    /** Starts a file with the same GGUF version and header padding as {@code source}. */
    public static GgufWriter createLike(GgufFile source, Path target, GgufMetadata metadata, List<TensorInfo> tensors)
            throws IOException {
        return create(target, metadata, tensors, source.version(), source.headerPadded());
    }

    private static GgufWriter create(Path target, GgufMetadata metadata, List<TensorInfo> tensors, int version,
                                     boolean padHeader) throws IOException {
        int alignment = alignment(metadata);
        List<TensorInfo> laidOut = layOut(tensors, alignment);
        OutputFile out = OutputFile.create(target);
        GgufWriter w = new GgufWriter(out, out.openChannel(), laidOut, alignment);
        try {
            w.writeHeader(metadata, version, padHeader);
            w.skipEmptyTensors();
            return w;
        } catch (IOException | RuntimeException e) {
            w.close();
            throw e;
        }
    }

    /** The tensors with the offsets they get in the output. */
    public List<TensorInfo> tensors() {
        return tensors;
    }

    static List<TensorInfo> layOut(List<TensorInfo> tensors, int alignment) {
        List<TensorInfo> out = new ArrayList<>(tensors.size());
        long offset = 0;
        for (TensorInfo t : tensors) {
            out.add(t.withOffset(offset));
            offset = GgufHeaderParser.padTo(offset + t.nBytes(), alignment);
        }
        return List.copyOf(out);
    }

    /** Appends bytes of the current tensor; a tensor may arrive in any number of pieces. */
    public void append(MemorySegment bytes) throws IOException {
        for (long off = 0; off < bytes.byteSize(); off += CHUNK) {
            appendBuffer(bytes.asSlice(off, Math.min(CHUNK, bytes.byteSize() - off)).asByteBuffer());
        }
    }

    public void append(byte[] bytes) throws IOException {
        appendBuffer(ByteBuffer.wrap(bytes));
    }

    private void appendBuffer(ByteBuffer buf) throws IOException {
        if (current >= tensors.size()) {
            throw new IllegalStateException("all tensors are already written");
        }
        TensorInfo t = tensors.get(current);
        if (writtenOfCurrent + buf.remaining() > t.nBytes()) {
            throw new IllegalStateException("too many bytes for tensor '" + t.name() + "'");
        }
        writtenOfCurrent += buf.remaining();
        writeFully(buf);
        if (writtenOfCurrent == t.nBytes()) {
            pad();
            current++;
            writtenOfCurrent = 0;
            skipEmptyTensors();
        }
    }

    private void skipEmptyTensors() throws IOException {
        while (current < tensors.size() && tensors.get(current).nBytes() == 0) {
            current++;
        }
    }

    /** Checks every tensor was written, syncs, and renames the temporary file to the target. */
    public void commit() throws IOException {
        if (current != tensors.size()) {
            throw new IllegalStateException("tensor '" + tensors.get(current).name() + "' was not written");
        }
        channel.force(true);
        channel.close();
        out.commit();
        committed = true;
    }

    @Override
    public void close() throws IOException {
        if (!committed) {
            channel.close();
            out.close();
        }
    }

    /**
     * The size of the GGUF v3 file {@link #create} writes for {@code metadata} and {@code tensors}: the header, then
     * every tensor padded to the alignment, as llama-quantize pads them.
     */
    public static long fileSize(GgufMetadata metadata, List<TensorInfo> tensors) {
        int alignment = alignment(metadata);
        long size = GgufHeaderParser.padTo(header(metadata, 3, layOut(tensors, alignment)).remaining(), alignment);
        for (TensorInfo t : tensors) {
            size += GgufHeaderParser.padTo(t.nBytes(), alignment);
        }
        return size;
    }

    private static int alignment(GgufMetadata metadata) {
        return metadata.find("general.alignment").map(v -> (int) v.asLong()).orElse(GgufFile.DEFAULT_ALIGNMENT);
    }

    private void writeHeader(GgufMetadata metadata, int version, boolean padHeader) throws IOException {
        writeFully(header(metadata, version, tensors));
        if (padHeader || !tensors.isEmpty()) {
            pad();
        }
    }

    private static ByteBuffer header(GgufMetadata metadata, int version, List<TensorInfo> tensors) {
        HeaderBuffer h = new HeaderBuffer();
        h.putInt(GgufHeaderParser.MAGIC);
        h.putInt(version);
        h.putLong(tensors.size());
        h.putLong(metadata.size());
        for (var e : metadata.asMap().entrySet()) {
            h.putString(e.getKey());
            h.putInt(e.getValue().type().id());
            h.putValue(e.getValue());
        }
        for (TensorInfo t : tensors) {
            h.putString(t.name());
            h.putInt(t.nDims());
            for (long d : t.shape()) {
                h.putLong(d);
            }
            h.putInt(t.type().id);
            h.putLong(t.offset());
        }
        return h.finish();
    }

    private void pad() throws IOException {
        long pos = channel.position();
        int n = (int) (GgufHeaderParser.padTo(pos, alignment) - pos);
        if (n > 0) {
            writeFully(ByteBuffer.allocate(n));
        }
    }

    private void writeFully(ByteBuffer buf) throws IOException {
        while (buf.hasRemaining()) {
            channel.write(buf);
        }
    }

    /** A growable little-endian buffer for the header. */
    private static final class HeaderBuffer {
        private ByteBuffer buf = ByteBuffer.allocate(1 << 16).order(ByteOrder.LITTLE_ENDIAN);

        private void ensure(long n) {
            if (buf.remaining() < n) {
                long needed = buf.position() + n;
                if (needed > Integer.MAX_VALUE - 64) {
                    throw new IllegalArgumentException("GGUF header larger than 2 GB");
                }
                ByteBuffer bigger = ByteBuffer.allocate((int) Math.max(needed, Math.min(Integer.MAX_VALUE - 64L,
                        2L * buf.capacity()))).order(ByteOrder.LITTLE_ENDIAN);
                buf.flip();
                bigger.put(buf);
                buf = bigger;
            }
        }

        void putInt(int v) {
            ensure(4);
            buf.putInt(v);
        }

        void putLong(long v) {
            ensure(8);
            buf.putLong(v);
        }

        void putString(String s) {
            byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
            putLong(bytes.length);
            ensure(bytes.length);
            buf.put(bytes);
        }

        void putValue(GgufValue v) {
            if (v.type() == GgufValueType.ARRAY) {
                putArray(v.asArray());
            } else {
                putScalar(v.type(), v.value());
            }
        }

        void putArray(GgufArray a) {
            putInt(a.elementType().id());
            int n = a.length();
            putLong(n);
            for (int i = 0; i < n; i++) {
                Object e = Array.get(a.elements(), i);
                if (a.elementType() == GgufValueType.ARRAY) {
                    putArray((GgufArray) e);
                } else {
                    putScalar(a.elementType(), e instanceof Byte b && a.elementType() == GgufValueType.BOOL
                            ? (Object) (b != 0) : e);
                }
            }
        }

        void putScalar(GgufValueType type, Object v) {
            ensure(8);
            switch (type) {
                case UINT8, INT8 -> buf.put((Byte) v);
                case BOOL -> buf.put((byte) ((Boolean) v ? 1 : 0));
                case UINT16, INT16 -> buf.putShort((Short) v);
                case UINT32, INT32 -> buf.putInt((Integer) v);
                case FLOAT32 -> buf.putFloat((Float) v);
                case UINT64, INT64 -> buf.putLong((Long) v);
                case FLOAT64 -> buf.putDouble((Double) v);
                case STRING -> putString((String) v);
                case ARRAY -> throw new IllegalArgumentException("nested array given as scalar");
            }
        }

        ByteBuffer finish() {
            return buf.flip();
        }
    }
}
